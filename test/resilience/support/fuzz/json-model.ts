/**
 * Generated requests are symbolic: ids, emails and tokens are named (`Ref`) and looked up when the
 * request is sent, so a seed means the same request whatever ids this run's database handed out,
 * and big strings are described (`Huge`) rather than generated and shrunk character by character.
 */

/** Names the fuzzer can point at: the victim's and the attacker's rows and secrets. */
export type RefName =
  | 'victim.id'
  | 'victim.postId'
  | 'victim.draftId'
  | 'victim.sessionId'
  | 'victim.apiKeyId'
  | 'victim.email'
  | 'attacker.id'
  | 'attacker.postId'
  | 'attacker.sessionId'
  | 'attacker.apiKeyId'
  | 'attacker.email'
  | 'attacker.password'
  | 'attacker.accessToken'
  | 'attacker.refreshToken'
  | 'attacker.apiKey'
  | 'sandbox.id'
  | 'sandbox.sessionId';

export class Ref {
  constructor(
    readonly name: RefName,
    /** How the looked-up text is altered (upper-cased, padded, wrapped...). */
    readonly twist: 'none' | 'upper' | 'braces' | 'space' | 'nul' | 'nodash' = 'none',
  ) {}
}

/** `unit` repeated `count` times. */
export class Huge {
  constructor(
    readonly unit: string,
    readonly count: number,
  ) {}
}

/** JSON text emitted verbatim: numbers JSON.stringify cannot write (1e400, -0, 1e-400). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object as an entry list: keeps `__proto__` as an own key, and allows duplicate keys. */
export class Entries {
  constructor(readonly entries: readonly (readonly [string, JsonNode])[]) {}
}

export type Text = string | Ref | Huge;
export type JsonNode = null | boolean | number | string | Ref | Huge | RawJson | Entries | readonly JsonNode[];

export type Resolver = (ref: RefName) => string;

export function textOf(node: Text, resolve: Resolver): string {
  if (typeof node === 'string') return node;
  if (node instanceof Huge) return node.unit.repeat(node.count);
  const value = resolve(node.name);
  switch (node.twist) {
    case 'upper':
      return value.toUpperCase();
    case 'braces':
      return `{${value}}`;
    case 'space':
      return ` ${value} `;
    case 'nul':
      return `${value}\u0000`;
    case 'nodash':
      return value.replaceAll('-', '');
    default:
      return value;
  }
}

/** JSON text of `node` (refs looked up with `resolve`). */
export function serialize(node: JsonNode, resolve: Resolver): string {
  if (node instanceof RawJson) return node.text;
  if (node instanceof Ref || node instanceof Huge) return JSON.stringify(textOf(node, resolve));
  if (node instanceof Entries) return `{${node.entries.map(([key, value]) => `${JSON.stringify(key)}:${serialize(value, resolve)}`).join(',')}}`;
  if (Array.isArray(node)) return `[${node.map((item: JsonNode) => serialize(item, resolve)).join(',')}]`;
  return JSON.stringify(node) ?? 'null';
}
