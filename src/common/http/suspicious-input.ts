import { getMetadataStorage } from 'class-validator';

/**
 * Refusals no honest client provokes (docs/SECURITY.md, LOG-04). Whoever refuses such input marks
 * the error (or the request) with one reason from this fixed list and the field path; the
 * detection module records it as a SUSPICIOUS_INPUT event. Reasons are a closed set, so no
 * attacker-chosen text ever becomes a metric label or a log field name.
 */
export const SUSPICIOUS_INPUT_REASONS = [
  /** `__proto__`, `constructor` or `prototype` as a JSON key (prototype pollution). */
  'prototype_key',
  /** NUL or another C0 control character (other than tab, LF, VT, FF, CR) or DEL in a JSON key or string, or in a refused query/param. */
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

/**
 * Control characters no honest text holds: C0 except the whitespace ones (tab, LF, vertical tab,
 * form feed, CR: text pasted from word processors and PDFs carries the last two), and DEL. NUL
 * also cannot be stored by PostgreSQL.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000E-\u001F\u007F]/;

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

const MAX_SEGMENTS = 8;

/** Keys that could reach an object's prototype if some code ever merged a body into an object. */
export const POLLUTING_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The property names the DTOs declare (class-validator's metadata), kept while no new DTO loads. */
let declared: { count: number; names: Set<string> } = { count: -1, names: new Set() };

function declaredNames(): Set<string> {
  // class-validator keeps every decorated property here; it has no public "all targets" accessor.
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: Map<unknown, { propertyName: string }[]> };
  const byTarget = storage.validationMetadatas ?? new Map<unknown, { propertyName: string }[]>();
  if (byTarget.size !== declared.count) {
    declared = { count: byTarget.size, names: new Set([...byTarget.values()].flat().map((m) => m.propertyName)) };
  }
  return declared.names;
}

/**
 * A field path for a log line, e.g. `body.tags.2`, `query.q` or `body.profile.__proto__`. Only names the API itself
 * chose reach the log: a property some DTO declares, an array index, or a prototype key; any
 * other key, being the caller's text, becomes `?` (no payload fragment, quote or newline reaches
 * the log, and no caller can write words of their own into the trail). At most 8 segments.
 */
export function fieldPath(root: string, segments: readonly (string | number)[]): string {
  const names = declaredNames();
  const safe = segments
    .slice(0, MAX_SEGMENTS)
    .map((s) => (typeof s === 'number' || POLLUTING_KEYS.has(s) || names.has(s) ? String(s) : '?'));
  if (segments.length > MAX_SEGMENTS) safe.push('…');
  return [root, ...safe].join('.');
}
