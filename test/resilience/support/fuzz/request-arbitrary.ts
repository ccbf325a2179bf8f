import fc from 'fast-check';
import { hostileKey, hostileValue, hugeText, INVALID_JSON_TEXTS, ODD_STRINGS, shortHostileString } from './hostile-values.js';
import { Entries, Huge, Ref, type JsonNode, type Text } from './json-model.js';
import type { Operation, Parameter, Schema } from './openapi-operations.js';
import { mutatedObject, poisonedValue, resourceId, validObject, validValue } from './schema-values.js';

/** Who the request claims to be. Only `admin-bearer` is a privileged caller (see adminSide). */
export type Credential =
  | 'attacker-bearer'
  | 'attacker-api-key'
  | 'bearer-and-api-key'
  | 'admin-bearer'
  | 'none'
  | 'garbled-bearer'
  | 'empty-bearer'
  | 'wrong-scheme'
  | 'alg-none'
  | 'hs256-public-key'
  | 'tampered'
  | 'expired'
  | 'garbled-api-key';

export type BodySpec =
  | { kind: 'none' }
  | { kind: 'json'; node: JsonNode; contentType: string }
  | { kind: 'text'; text: string; contentType: string }
  | { kind: 'oversized'; bytes: number };

export type PathValue = { name: string; value: Text; raw: boolean };
export type QueryEntry = { key: Text; value: Text; raw: boolean };
export type HeaderEntry = { name: string; prefix: string; value: Text };

/** A generated request, symbolic until sent (ids and tokens are looked up then). */
export type FuzzRequest = {
  credential: Credential;
  /** Text for the garbled credentials. */
  garbage: string;
  path: PathValue[];
  query: QueryEntry[];
  headers: HeaderEntry[];
  body: BodySpec;
};

const credential: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 40, arbitrary: fc.constant('attacker-bearer' as const) },
  { weight: 12, arbitrary: fc.constant('attacker-api-key' as const) },
  { weight: 3, arbitrary: fc.constant('bearer-and-api-key' as const) },
  { weight: 10, arbitrary: fc.constant('none' as const) },
  { weight: 6, arbitrary: fc.constant('garbled-bearer' as const) },
  { weight: 2, arbitrary: fc.constant('empty-bearer' as const) },
  { weight: 3, arbitrary: fc.constant('wrong-scheme' as const) },
  { weight: 5, arbitrary: fc.constant('alg-none' as const) },
  { weight: 3, arbitrary: fc.constant('hs256-public-key' as const) },
  { weight: 4, arbitrary: fc.constant('tampered' as const) },
  { weight: 3, arbitrary: fc.constant('expired' as const) },
  { weight: 5, arbitrary: fc.constant('garbled-api-key' as const) },
);

const garbage = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), fc.constantFrom(...ODD_STRINGS), fc.constantFrom('x'.repeat(8_000), 'eyJhbGciOiJub25lIn0.e30.', 'a.b.c', '....'));

// ---- path parameters -------------------------------------------------------------------

const oddPathText: fc.Arbitrary<Text> = fc.oneof(
  { weight: 4, arbitrary: shortHostileString },
  { weight: 2, arbitrary: fc.constantFrom('me', '..', '.', '../posts', '..%2fusers%2fme', '%2e%2e', 'a/b', 'a?b=c', 'a#b', '%00', ';', '*', '~') },
  { weight: 1, arbitrary: fc.constantFrom(new Huge('a', 1_000), new Huge('7', 6_000), new Huge('é', 2_500), new Huge('a', 20_000)) },
);

/** The attacker's path ids: mostly the victim's rows, then its own, random and malformed ones. */
const attackerPathText = fc.oneof({ weight: 8, arbitrary: resourceId }, { weight: 3, arbitrary: oddPathText });

/** The admin only ever aims at the sandbox user, random ids and junk: never the victim or the attacker. */
const adminPathText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(new Ref('sandbox.id'), new Ref('sandbox.sessionId'), new Ref('sandbox.id', 'upper')) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 2, arbitrary: oddPathText },
);

function pathValues(op: Operation, text: fc.Arbitrary<Text>): fc.Arbitrary<PathValue[]> {
  const params = op.parameters.filter((p) => p.in === 'path');
  return fc.tuple(...params.map((p) => fc.record({ name: fc.constant(p.name), value: text, raw: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) })));
}

// ---- query parameters ------------------------------------------------------------------

const oddQueryText: fc.Arbitrary<Text> = fc.oneof(
  { weight: 3, arbitrary: shortHostileString },
  {
    weight: 3,
    arbitrary: fc.constantFrom('-1', '0', '-0', '+1', '1 ', '1.5', '1e3', '0x10', '0b1', '10001', '101', '99999999999999999999', 'NaN', 'Infinity', '', ' ', '１', '٣', 'true', '[]', '{}'),
  },
  { weight: 1, arbitrary: fc.constantFrom('-200000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '-004713-11-24T00:00:00Z', '2024-02-30T00:00:00Z') },
  { weight: 1, arbitrary: hugeText([200, 600]) },
);

const asText = (node: JsonNode): Text => (typeof node === 'string' || node instanceof Ref || node instanceof Huge ? node : String(node));

/** Schema-less parameters (e.g. `returnTo`) are fuzzed as strings. */
const queryParamSchema = (schema: Schema): Schema => (schema.type || schema.enum || schema.format ? schema : { type: 'string', maxLength: 200 });

function queryText(schema: Schema, name: string): fc.Arbitrary<Text> {
  return validValue(queryParamSchema(schema), name).map(asText);
}

function queryParam(p: Parameter): fc.Arbitrary<QueryEntry[]> {
  const entry = (key: Text, value: fc.Arbitrary<Text>) => value.map((v): QueryEntry[] => [{ key, value: v, raw: false }]);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant<QueryEntry[]>([]) },
    { weight: 4, arbitrary: entry(p.name, queryText(p.schema, p.name)) },
    { weight: 2, arbitrary: entry(p.name, poisonedValue(queryParamSchema(p.schema), p.name).map(asText)) },
    { weight: 2, arbitrary: entry(p.name, oddQueryText) },
    { weight: 1, arbitrary: fc.array(fc.oneof(queryText(p.schema, p.name), oddQueryText), { minLength: 2, maxLength: 3 }).map((values) => values.map((value) => ({ key: p.name, value, raw: false }))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(`${p.name}[]`, `${p.name}[$gt]`, `${p.name}[0]`, p.name.toUpperCase()), oddQueryText).map(([key, value]) => [{ key, value, raw: false }]) },
    { weight: 1, arbitrary: oddQueryText.map((value) => [{ key: p.name, value, raw: true }]) },
  );
}

const extraQuery: fc.Arbitrary<QueryEntry[]> = fc.array(
  fc.record({ key: fc.oneof(hostileKey, fc.constantFrom('page', 'limit', 'q', 'sort', 'include', 'select')), value: oddQueryText, raw: fc.boolean() }),
  { minLength: 1, maxLength: 3 },
);

function queryEntries(op: Operation): fc.Arbitrary<QueryEntry[]> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const extras = fc.oneof({ weight: params.length > 0 ? 5 : 8, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: extraQuery });
  return fc.tuple(fc.tuple(...params.map(queryParam)), extras).map(([chosen, extra]) => [...chosen.flat(), ...extra]);
}

// ---- headers ---------------------------------------------------------------------------

const headerChoice: fc.Arbitrary<HeaderEntry> = fc.oneof(
  fc.uuid().map((value) => ({ name: 'x-request-id', prefix: '', value })),
  fc.constantFrom('not-a-uuid', "' OR 1=1 --", 'x'.repeat(5_000)).map((value) => ({ name: 'x-request-id', prefix: '', value })),
  fc.constantFrom('https://evil.example', 'https://app.example.com', 'null').map((value) => ({ name: 'origin', prefix: '', value })),
  fc.constantFrom<Text>(new Ref('attacker.refreshToken'), 'garbage', '', new Huge('c', 6_000)).map((value) => ({ name: 'cookie', prefix: '__Host-refresh_token=', value })),
  fc.constantFrom('gzip', 'deflate', 'br', 'x-bogus', 'identity').map((value) => ({ name: 'content-encoding', prefix: '', value })),
  fc.constantFrom('1.2.3.4', '127.0.0.1, 10.0.0.1', 'garbage').map((value) => ({ name: 'x-forwarded-for', prefix: '', value })),
  fc.constantFrom('DELETE', 'PUT', 'TRACE').map((value) => ({ name: 'x-http-method-override', prefix: '', value })),
  fc.constantFrom('text/html', 'application/xml', '*/*', 'application/json;q=0').map((value) => ({ name: 'accept', prefix: '', value })),
  fc.string({ unit: 'grapheme-ascii', maxLength: 100 }).map((value) => ({ name: 'user-agent', prefix: '', value })),
  fc.constantFrom('da, en-gb;q=0.8', "'; DROP TABLE users; --").map((value) => ({ name: 'accept-language', prefix: '', value })),
);

function headerEntries(op: Operation): fc.Arbitrary<HeaderEntry[]> {
  // Header parameters of the document get values of their own too.
  const declared = op.parameters
    .filter((p) => p.in === 'header')
    .map((p) => fc.oneof(fc.constant([]), oddQueryText.map((value) => [{ name: p.name, prefix: '', value }])));
  const extra = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(headerChoice, { minLength: 1, maxLength: 3 }) });
  return fc.tuple(fc.tuple(...declared), extra).map(([chosen, more]) => [...chosen.flat(), ...more]);
}

// ---- bodies ----------------------------------------------------------------------------

const jsonContentType = fc.oneof(
  { weight: 24, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constant('application/json; charset=utf-8') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'Application/JSON',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json;charset=koi8-r',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'text/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=X',
      '',
    ),
  },
);

const NON_JSON_BODIES: [contentType: string, text: string][] = [
  ['text/plain', '{"title":"a title","content":"c"}'],
  ['application/x-www-form-urlencoded', 'email=a%40example.com&password=x&title=t&content=c&role=admin'],
  ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nabc\r\n--XyZ--\r\n'],
  ['application/xml', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'],
  ['', '{"title":"no content type","content":"c"}'],
];

const invalidJson: fc.Arbitrary<BodySpec> = fc
  .tuple(fc.constantFrom(...INVALID_JSON_TEXTS), fc.constantFrom('application/json', 'application/json; charset=utf-8'))
  .map(([text, contentType]) => ({ kind: 'text', text, contentType }));

const wrongContentType: fc.Arbitrary<BodySpec> = fc.constantFrom(...NON_JSON_BODIES).map(([contentType, text]) => ({ kind: 'text', text, contentType }));

/** Past the 256 kB limit: must be a 413, whatever else is wrong. */
const oversized: fc.Arbitrary<BodySpec> = fc.constantFrom(262_145, 300_000, 600_000).map((bytes) => ({ kind: 'oversized', bytes }));

const json = (node: fc.Arbitrary<JsonNode>, contentType: fc.Arbitrary<string> = jsonContentType): fc.Arbitrary<BodySpec> =>
  fc.tuple(node, contentType).map(([value, type]) => ({ kind: 'json', node: value, contentType: type }));

const randomObject = fc.array(fc.tuple(hostileKey, hostileValue), { maxLength: 3 }).map((entries) => new Entries(entries) as JsonNode);

function bodySpec(op: Operation): fc.Arbitrary<BodySpec> {
  if (!op.body) {
    return fc.oneof(
      { weight: 16, arbitrary: fc.constant({ kind: 'none' } as const) },
      { weight: 2, arbitrary: json(fc.oneof(randomObject, hostileValue)) },
      { weight: 1, arbitrary: invalidJson },
      { weight: 1, arbitrary: wrongContentType },
    );
  }
  const schema = op.body;
  return fc.oneof(
    { weight: 14, arbitrary: json(mutatedObject(schema)) },
    { weight: 6, arbitrary: json(validObject(schema), fc.constant('application/json')) },
    { weight: 2, arbitrary: json(fc.oneof(hostileValue, mutatedObject(schema).map((node) => [node]))) },
    { weight: 2, arbitrary: invalidJson },
    { weight: 1, arbitrary: wrongContentType },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' } as const) },
    { weight: 1, arbitrary: oversized },
  );
}

// ---- whole requests --------------------------------------------------------------------

function requestWith(op: Operation, who: fc.Arbitrary<Credential>, pathText: fc.Arbitrary<Text>): fc.Arbitrary<FuzzRequest> {
  return fc.record({
    credential: who,
    garbage,
    path: pathValues(op, pathText),
    query: queryEntries(op),
    headers: headerEntries(op),
    body: bodySpec(op),
  });
}

/**
 * Requests for `op`: the attacker's credentials (valid, forged, garbled or none) aimed at every id
 * including the victim's; for admin-only operations also a real admin, aimed at the sandbox user
 * only, so that the validators behind the permission check get fuzzed as well.
 */
export function requestArbitrary(op: Operation): fc.Arbitrary<FuzzRequest> {
  const attackerSide = requestWith(op, credential, attackerPathText);
  if (!op.adminOnly) return attackerSide;
  return fc.oneof({ weight: 3, arbitrary: attackerSide }, { weight: 2, arbitrary: requestWith(op, fc.constant('admin-bearer' as const), adminPathText) });
}
