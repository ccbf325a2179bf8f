import fc from 'fast-check';
import { hostileComposite, hostileKey, hostileScalar, hostileString, hostileValue } from './hostile-values.js';
import { Entries, Huge, Ref, type JsonNode, type Text } from './json-model.js';
import type { Schema } from './openapi-operations.js';

/** Generation stays small; the edges (exactly max, max + 1) come as `Huge`, not as random text. */
const MAX_GENERATED_LENGTH = 60;
const DAY_MS = 86_400_000;

/** Ids the API may be asked about: the victim's rows first (that is what the oracle guards). */
export const resourceId: fc.Arbitrary<Text> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('victim.id', 'victim.postId', 'victim.draftId', 'victim.sessionId', 'victim.apiKeyId').map((name) => new Ref(name)) },
  { weight: 4, arbitrary: fc.constantFrom('attacker.id', 'attacker.postId', 'attacker.postId', 'attacker.sessionId', 'attacker.apiKeyId').map((name) => new Ref(name)) },
  { weight: 1, arbitrary: fc.constantFrom('sandbox.id', 'sandbox.sessionId').map((name) => new Ref(name)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('victim.postId', 'victim.draftId', 'victim.id', 'victim.sessionId'), fc.constantFrom('upper', 'braces', 'space', 'nul', 'nodash'))
      .map(([name, twist]) => new Ref(name as 'victim.postId', twist as 'upper')),
  },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF') },
);

const emailText: fc.Arbitrary<Text> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(new Ref('victim.email'), new Ref('attacker.email')) },
  { weight: 3, arbitrary: fc.emailAddress() },
  { weight: 1, arbitrary: fc.constantFrom('UPPER.Case@Example.COM', '  padded@example.com  ', 'a@b', 'no-at-sign', '"quoted"@example.com', 'x@[127.0.0.1]') },
);

const strongPassword = fc.string({ unit: 'grapheme-ascii', minLength: 4, maxLength: 40 }).map((tail) => `Fuzz pass ${tail}`);

const passwordText: fc.Arbitrary<Text> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(new Ref('attacker.password')) },
  { weight: 3, arbitrary: strongPassword },
  { weight: 1, arbitrary: fc.constantFrom('password1234', 'qwertyuiop123', 'short', 'x'.repeat(129)) },
);

const dateText: fc.Arbitrary<Text> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -30, max: 400 }).map((days) => new Date(Date.now() + days * DAY_MS).toISOString()) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '9999-12-31T23:59:59.999Z',
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '0000-01-01T00:00:00Z',
      '1970-01-01T00:00:00.000Z',
      '2024-02-30T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2030-01-01',
      '2030-01-01T25:61:61Z',
      '1e12',
      'tomorrow',
    ),
  },
);

/** Tokens from the attacker's own wallet, the wrong kind, or random. */
const tokenText: fc.Arbitrary<Text> = fc.oneof(
  fc.constantFrom(new Ref('attacker.refreshToken'), new Ref('attacker.accessToken'), new Ref('attacker.apiKey')),
  fc.stringMatching(/^[A-Za-z0-9_-]{16,128}$/),
  fc.stringMatching(/^[0-9a-f]{64}$/),
);

/** Schema-aware hints: well-formed values the handler will act on, not only reject. */
function hintedText(schema: Schema, field: string): fc.Arbitrary<Text> | undefined {
  if (schema.format === 'email') return emailText;
  if (schema.format === 'password') return passwordText;
  if (schema.format === 'date-time') return dateText;
  if (schema.format === 'uuid') return resourceId;
  if (/token/i.test(field)) return tokenText;
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  return undefined;
}

function validText(schema: Schema, field: string): fc.Arbitrary<Text> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  const hinted = hintedText(schema, field);
  if (hinted) return hinted;
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? MAX_GENERATED_LENGTH, MAX_GENERATED_LENGTH);
  const edges: Text[] = [...(schema.maxLength !== undefined ? [new Huge('x', schema.maxLength)] : []), 'x'.repeat(minLength)];
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme' }) },
    { weight: 2, arbitrary: fc.string({ minLength, maxLength: Math.max(minLength, maxLength), unit: 'grapheme-ascii' }) },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
  );
}

/** A value `schema` accepts (as far as the document says: the validators may be stricter). */
export function validValue(schema: Schema, field = ''): fc.Arbitrary<JsonNode> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as JsonNode[]));
  switch (schema.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 });
    case 'array': {
      const items = schema.items ?? { type: 'string' };
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 12) };
      return items.enum ? fc.uniqueArray(fc.constantFrom(...(items.enum as JsonNode[])), constraints) : fc.array(validValue(items, field), constraints);
    }
    case 'object':
      return validObject(schema);
    default:
      return validText(schema, field);
  }
}

/** Every required property and some optional ones, all valid. */
export function validObject(schema: Schema): fc.Arbitrary<JsonNode> {
  const required = new Set(schema.required ?? []);
  const parts = Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const entry = validValue(property, key).map((value) => [[key, value] as const]);
    return required.has(key) ? entry : fc.oneof(entry, fc.constant([]));
  });
  return fc.tuple(...parts).map((chosen) => new Entries(chosen.flat()));
}

/**
 * Payloads slipped into an otherwise valid string: what passes the validators and reaches the
 * database, the sanitizer and the logs (NUL, which PostgreSQL text refuses, first of all).
 */
const POISONS = ['\u0000', "' OR 1=1 --", "'; DROP TABLE users; --", '<script>alert(1)</script>', '\u202e', '\ud800', '\u0001\u001f', '\r\n', '%00', '\\', '"', '😀', '\u200b'];

function poisonedText(schema: Schema, field: string): fc.Arbitrary<JsonNode> {
  return fc.tuple(validText(schema, field), fc.constantFrom(...POISONS), fc.nat()).map(([text, poison, at]) => {
    if (typeof text !== 'string') return text;
    const cut = text.length === 0 ? 0 : at % (text.length + 1);
    return `${text.slice(0, cut)}${poison}${text.slice(cut)}`;
  });
}

/** A valid value with a poison inside (strings, and arrays of strings), else just a valid value. */
export function poisonedValue(schema: Schema, field = ''): fc.Arbitrary<JsonNode> {
  if (schema.type === 'array' && schema.items?.type === 'string' && !schema.items.enum) {
    return fc.tuple(validValue(schema, field), poisonedText(schema.items, field)).map(([items, poisoned]) => [...(items as JsonNode[]).slice(1), poisoned]);
  }
  return schema.type === 'string' && !schema.enum ? poisonedText(schema, field) : validValue(schema, field);
}

/** A value of the wrong kind for `schema`: other types, the right type gone bad, wrappers. */
export function wrongValue(schema: Schema, field = ''): fc.Arbitrary<JsonNode> {
  const wrapped = validValue(schema, field).map((value) => [value] as JsonNode);
  const nested = validValue(schema, field).map((value) => new Entries([['value', value]]));
  const edges: JsonNode[] = [
    ...(schema.maxLength !== undefined ? [new Huge('x', schema.maxLength + 1), new Huge('é', schema.maxLength + 1)] : [new Huge('x', 100_000)]),
    ...(schema.minLength ? ['x'.repeat(schema.minLength - 1)] : []),
  ];
  return fc.oneof(
    { weight: 4, arbitrary: hostileValue },
    { weight: 2, arbitrary: hostileString },
    { weight: 1, arbitrary: wrapped },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
  );
}

type Entry = readonly [string, JsonNode];

/** One property's fate in a mutated body: kept valid, poisoned, nulled, made hostile, dropped, or duplicated. */
function mutatedProperty(key: string, schema: Schema, required: boolean): fc.Arbitrary<Entry[]> {
  return fc.oneof(
    { weight: 6, arbitrary: validValue(schema, key).map((value) => [[key, value] as const]) },
    { weight: 3, arbitrary: poisonedValue(schema, key).map((value) => [[key, value] as const]) },
    { weight: 1, arbitrary: fc.constant<Entry[]>([[key, null]]) },
    { weight: 3, arbitrary: wrongValue(schema, key).map((value) => [[key, value] as const]) },
    { weight: required ? 1 : 3, arbitrary: fc.constant<Entry[]>([]) },
    {
      weight: 1,
      arbitrary: fc.tuple(validValue(schema, key), wrongValue(schema, key)).map(([first, second]) => [
        [key, first] as const,
        [key, second] as const,
      ]),
    },
  );
}

const extraProperties: fc.Arbitrary<Entry[]> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Entry[]>([]) },
  { weight: 2, arbitrary: fc.array(fc.tuple(hostileKey, fc.oneof(hostileScalar, hostileComposite)), { minLength: 1, maxLength: 3 }) },
);

/** The schema's object with each property independently mutated, plus hostile extra keys. */
export function mutatedObject(schema: Schema): fc.Arbitrary<JsonNode> {
  const required = new Set(schema.required ?? []);
  const parts = Object.entries(schema.properties ?? {}).map(([key, property]) => mutatedProperty(key, property, required.has(key)));
  return fc.tuple(fc.tuple(...parts), extraProperties).map(([chosen, extras]) => new Entries([...chosen.flat(), ...extras]));
}
