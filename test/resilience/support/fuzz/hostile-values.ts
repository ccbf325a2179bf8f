import fc from 'fast-check';
import { Entries, Huge, RawJson, type JsonNode, type Text } from './json-model.js';

/** Injection payloads: every one must stay data (bound parameters), never become SQL. */
export const SQL_PAYLOADS = [
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '" OR ""="',
  "1; SELECT pg_sleep(20); --",
  "' UNION SELECT password_hash, email FROM users --",
  "$$; DELETE FROM posts; $$",
  "%' AND 1=0 UNION SELECT NULL, NULL --",
  "\\'; DELETE FROM sessions; --",
  "admin'--",
  "') OR ('1'='1",
  "'::uuid",
  '%_%',
  "E'\\x00'",
  '!!:* & | <-> (',
];

export const SCRIPT_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '<!--<script>',
  ']]><x>',
  '<iframe srcdoc="<script>parent.x=1</script>">',
];

/** Paths, encodings and text that trips naive parsers or loggers. */
export const ODD_STRINGS = [
  '',
  ' ',
  '\t\r\n',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '..',
  '.',
  '%00',
  '\u0000',
  'a\u0000b',
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AE%C0%AE%2F',
  'null',
  'undefined',
  'NaN',
  'true',
  '-1',
  '0',
  '1e309',
  '0x10',
  '99999999999999999999999999',
  '[object Object]',
  '__proto__',
  'constructor',
  '\u202eevil\u202c',
  '\ufeffbom',
  '\ud800',
  '\udfff\ud800',
  '\u2028\u2029',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'Z̴̡̪̫̖̥͔̠̤̓̆͑ͅa̵l̶g̷o̸',
  'ﷺ',
  'İstanbul ß ǅ',
  'a\r\nSet-Cookie: admin=1',
  '\u001b[31mred\u001b[0m',
  'C:\\Windows\\win.ini',
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  '{"$gt":""}',
  "{{constructor.constructor('return process')()}}",
];

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 20 });

const HUGE_UNITS = ['x', 'é', '😀', '\u0000', "'", '<script>', '\u202e', '\\', '"', ' '];

/** A described big string: `count` copies of a nasty unit (bodies stay mostly under 256 kB). */
export const hugeText = (counts: number[] = [300, 5_000, 60_000, 120_000]) =>
  fc.tuple(fc.constantFrom(...HUGE_UNITS), fc.constantFrom(...counts)).map(([unit, count]) => new Huge(unit, count));

/** Strings of every kind that is not what a field expects, big ones up to `hugeCounts` units. */
export const hostileText = (hugeCounts: number[]): fc.Arbitrary<Text> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SQL_PAYLOADS) },
    { weight: 2, arbitrary: fc.constantFrom(...SCRIPT_PAYLOADS) },
    { weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: controlChars },
    { weight: 1, arbitrary: hugeText(hugeCounts) },
  );

/** For bodies: big strings up to ~120k units (bodies stay mostly under the 256 kB limit). */
export const hostileString = hostileText([300, 5_000, 60_000, 120_000]);

/** For URLs and headers: big strings stay under Node's 16 kB limit on the request head. */
export const shortHostileString = hostileText([100, 600]);

/** Numbers at and past every edge, some only writable as raw JSON. */
export const hostileNumber: fc.Arbitrary<JsonNode> = fc.oneof(
  fc.constantFrom<JsonNode>(0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, -(2 ** 63), 1.5, 0.0001, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.constantFrom('-0', '1e400', '-1e400', '1e-400', '123456789012345678901234567890', '1E2', '0.1e1').map((text) => new RawJson(text)),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const hostileScalar: fc.Arbitrary<JsonNode> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Keys that must never be accepted: mass assignment, prototype pollution, filter operators. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'role',
  'plan',
  'authorId',
  'userId',
  'id',
  'isAdmin',
  'passwordHash',
  'mfaEnabled',
  'createdAt',
  'revokedAt',
  'scopes',
  '$where',
  'where',
  '',
  ' ',
  'title.nested',
  "' OR 1=1 --",
  '<script>',
];

export const hostileKey: fc.Arbitrary<string> = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });

/** Prisma/Mongo-style operator objects: a filter smuggled in where a scalar belongs. */
const operatorObject: fc.Arbitrary<JsonNode> = fc
  .tuple(fc.constantFrom('$ne', '$gt', 'equals', 'not', 'in', 'contains', 'startsWith', 'set', 'connect', 'increment', 'push'), hostileScalar)
  .map(([op, value]) => new Entries([[op, value]]));

const pollution: fc.Arbitrary<JsonNode> = fc.constantFrom<JsonNode>(
  new Entries([['__proto__', new Entries([['role', 'admin']])]]),
  new Entries([['constructor', new Entries([['prototype', new Entries([['isAdmin', true]])]])]]),
);

/** `{"a":{"a":...}}` or `[[[...]]]`, `depth` levels: recursion in parsers and transformers. */
export const deepNesting = fc.tuple(fc.boolean(), fc.constantFrom(64, 1_000, 5_000, 20_000)).map(([object, depth]) =>
  object ? new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) : new RawJson(`${'['.repeat(depth)}1${']'.repeat(depth)}`),
);

/** Arrays and objects where a scalar was expected. */
export const hostileComposite: fc.Arbitrary<JsonNode> = fc.oneof(
  { weight: 3, arbitrary: fc.array(hostileScalar, { maxLength: 5 }) },
  { weight: 3, arbitrary: operatorObject },
  { weight: 1, arbitrary: pollution },
  { weight: 2, arbitrary: fc.array(fc.tuple(hostileKey, hostileScalar), { maxLength: 4 }).map((entries) => new Entries(entries)) },
  { weight: 1, arbitrary: fc.constantFrom<JsonNode>([], new Entries([]), [[]], [null]) },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 50_000).map((n) => new RawJson(`[${'1,'.repeat(n)}1]`)) },
  { weight: 1, arbitrary: deepNesting },
);

export const hostileValue: fc.Arbitrary<JsonNode> = fc.oneof({ weight: 3, arbitrary: hostileScalar }, { weight: 2, arbitrary: hostileComposite });

/** Bodies that are not JSON, or not the JSON a DTO can be (top-level scalars, broken syntax). */
export const INVALID_JSON_TEXTS = [
  '{',
  '{"title":',
  "{'title':'single quotes'}",
  '{"title":"a",}',
  '{title:"unquoted"}',
  '[1,2',
  '{"a":1}{"b":2}',
  '{"a":NaN}',
  '{"a":undefined}',
  '{"a":0x10}',
  '{"a":"\\u12"}',
  '{"a":"\\x41"}',
  '{"a":"line\nbreak"}',
  '\u0000',
  '\ufeff{"title":"bom"}',
  '/* comment */ {}',
  'null',
  'true',
  '123',
  '"just a string"',
  '[]',
  '[{"title":"array of bodies","content":"x"}]',
  '',
  ' ',
  '{"__proto__":{"role":"admin"}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
];
