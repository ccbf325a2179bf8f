/**
 * Refusals no honest client provokes (docs/SECURITY.md, LOG-04). Whoever refuses such input marks
 * the error (or the request) with one reason from this fixed list and the field path; the
 * detection module records it as a SUSPICIOUS_INPUT event. Reasons are a closed set, so no
 * attacker-chosen text ever becomes a metric label or a log field name.
 */
export const SUSPICIOUS_INPUT_REASONS = [
  /** `__proto__`, `constructor` or `prototype` as a JSON key (prototype pollution). */
  'prototype_key',
  /** NUL or another C0 control character (other than tab, LF, CR) or DEL in a JSON key or string, or in a refused query/param. */
  'control_character',
  /** An object or array where a string is expected (operator injection such as `{"$ne": null}`). */
  'type_confusion',
  /** A bearer token whose header says `alg: none`. */
  'token_alg_none',
  /** A bearer token whose header asks for an HMAC algorithm (HS*): the public key used as a secret. */
  'token_alg_hmac',
  /** A bearer token whose header carries or points at its own key (`jwk`, `jku`, `x5u`, `x5c`). */
  'token_embedded_key',
  /** X-HTTP-Method-Override, X-HTTP-Method or X-Method-Override on any request. */
  'method_override',
  /** A request body labelled with a Content-Encoding (gzip, deflate, br...). */
  'content_encoding',
] as const;

export type SuspiciousInputReason = (typeof SUSPICIOUS_INPUT_REASONS)[number];

/** What is recorded: the reason and where in the request, never the value. */
export type SuspiciousInput = { reason: SuspiciousInputReason; field: string };

/** Errors and requests carry their mark here, outside the objects (body-parser strips error properties). */
const marks = new WeakMap<object, SuspiciousInput>();

/** Marks `target` (an error, or the request itself), replacing an earlier mark. Returns `target`. */
export function markSuspicious<T extends object>(target: T, reason: SuspiciousInputReason, field: string): T {
  marks.set(target, { reason, field });
  return target;
}

/** The mark on the first of `targets` that has one. */
export function suspicionOf(...targets: unknown[]): SuspiciousInput | undefined {
  for (const target of targets) {
    const mark = target !== null && typeof target === 'object' ? marks.get(target) : undefined;
    if (mark) return mark;
  }
  return undefined;
}

/** Key names that are safe to log as they are: short identifiers only. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/;
const MAX_SEGMENTS = 8;

/**
 * A field path for a log line, e.g. `body.tags.2` or `body.profile.__proto__` (with root `''`,
 * the relative `.tags.2`, for a caller that adds the root later). Attacker-chosen
 * key names are bounded: a segment that is not a short identifier or an index becomes `?`
 * (no quotes, newlines or payload fragments reach the log), and only 8 segments are kept.
 */
export function fieldPath(root: string, segments: readonly (string | number)[]): string {
  const safe = segments.slice(0, MAX_SEGMENTS).map((s) => (typeof s === 'number' || IDENTIFIER.test(s) ? String(s) : '?'));
  if (segments.length > MAX_SEGMENTS) safe.push('…');
  return [root, ...safe].join('.');
}
