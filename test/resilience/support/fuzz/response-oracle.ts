/** What came back for one request. `status` 0: no HTTP answer at all (`error` says why). */
export type Captured = { status: number; headers: Headers; text: string; ms: number; error?: string };

type Json = Record<string, unknown>;

/** Signs of server internals: stack frames, source paths, SQL and driver text, library names. */
const LEAK_MARKERS: [what: string, pattern: RegExp][] = [
  ['a stack frame', /\n\s+at\s|\bat (?:async )?\S+ \(.*:\d+:\d+\)/],
  ['a source path', /node_modules|\.(?:ts|js|mjs|cjs):\d+|file:\/\/|\/(?:work|src|dist|home|usr)\//],
  ['a JavaScript error name', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|URIError|PrismaClient\w*Error|DriverAdapterError)\b/],
  ['SQL', /\b(?:SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b/i],
  ['database error text', /syntax error at or near|invalid input syntax|violates \S+ constraint|duplicate key value|relation "|column "|invalid byte sequence|out of range for type|\bSQLSTATE\b|\bpg_\w+/i],
  ['a Prisma code or name', /\bP[1-3]\d{3}\b|prisma|Invalid `\S+` invocation/i],
  ['a library name or its message', /\b(?:express|body-parser|nestjs|class-validator|class-transformer|passport|jsonwebtoken|argon2|postgres(?:ql)?|undici)\b|Unexpected token|in JSON at position|jwt (?:malformed|expired)|invalid signature|No auth token|Cannot (?:GET|POST|PUT|PATCH|DELETE)/i],
];

/** Keys that must never appear in any response body (docs/API.md §3: no hash, secret or code). */
const SECRET_KEYS = /^(?:passwordHash|password_hash|keyHash|tokenHash|codeHash|ciphertext|totpSecret)$/;

const ERROR_KEYS = new Set(['error', 'requestId', 'details', 'retryAfter']);

function leakIn(text: string): string | undefined {
  const hit = LEAK_MARKERS.find(([, pattern]) => pattern.test(text));
  return hit ? `the body contains ${hit[0]} (${hit[1].exec(text)?.[0].trim().slice(0, 80)})` : undefined;
}

function secretKeyIn(value: unknown, depth = 0): string | undefined {
  if (!value || typeof value !== 'object' || depth > 10) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (SECRET_KEYS.test(key)) return `the body carries a secret field "${key}"`;
    const nested = secretKeyIn(inner, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

function detailsProblem(body: Json, status: number): string | undefined {
  if (body.details === undefined) return undefined;
  if (status !== 400) return `details on a ${status}`;
  const ok = Array.isArray(body.details) && body.details.every((d: unknown) => !!d && typeof d === 'object' && Object.keys(d).sort().join() === 'field,message' && typeof (d as Json).field === 'string' && typeof (d as Json).message === 'string');
  return ok ? undefined : 'details is not a list of { field, message }';
}

/** The standard error body of docs/API.md §1 (and §7 for 429), its requestId the X-Request-Id header. */
function errorShapeProblem(body: unknown, res: Captured): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the error body is not a JSON object';
  const b = body as Json;
  const unknown = Object.keys(b).filter((key) => !ERROR_KEYS.has(key));
  if (unknown.length > 0) return `the error body has unexpected fields ${unknown.join(', ')}`;
  if (typeof b.error !== 'string' || b.error.length === 0) return 'the error body has no "error" message';
  if (typeof b.requestId !== 'string' || b.requestId !== res.headers.get('x-request-id')) return 'the error body\'s requestId is missing or differs from X-Request-Id';
  if (b.retryAfter !== undefined && (res.status !== 429 || !Number.isInteger(b.retryAfter) || (b.retryAfter as number) < 1)) return 'retryAfter outside a proper 429';
  return detailsProblem(b, res.status);
}

/**
 * The text of an error body the server wrote itself: the message, and the detail messages minus
 * the field names (an unknown field's name is the attacker's own input, echoed on purpose).
 */
function serverText(body: Json): string {
  const details = Array.isArray(body.details) ? (body.details as Json[]) : [];
  const messages = details.map((d) => {
    const field = String(d.field);
    const last = field.split('.').pop() ?? field;
    return String(d.message).split(field).join(' ').split(last).join(' ');
  });
  return [body.error, ...messages].join('\n');
}

function parsed(res: Captured): { json?: unknown; problem?: string } {
  if (!/^application\/json\b/i.test(res.headers.get('content-type') ?? '')) return {};
  try {
    return { json: JSON.parse(res.text) };
  } catch {
    return { problem: 'the body is labelled JSON but does not parse' };
  }
}

/** The first broken promise in a response, or undefined when it keeps them all. */
export function responseViolation(res: Captured): string | undefined {
  if (res.status === 0) return `no HTTP answer (${res.error})`;
  if (res.status >= 500) return `a ${res.status} (server error)`;
  const { json, problem } = parsed(res);
  if (problem) return problem;
  if (res.status >= 400) {
    if (json === undefined) return `a ${res.status} that is not JSON (content-type ${res.headers.get('content-type')})`;
    return errorShapeProblem(json, res) ?? leakIn(serverText(json as Json)) ?? secretKeyIn(json);
  }
  // Success bodies echo the attacker's own stored text (SQL and script payloads in its posts):
  // only secret fields are looked for there; non-JSON answers must not be error pages.
  return json === undefined ? leakIn(res.text) : secretKeyIn(json);
}
