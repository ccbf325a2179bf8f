import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

/**
 * Checks an HTTP answer against the OpenAPI document the app serves, as a generated client would
 * rely on it: the status is declared for the operation, the content type is a declared one, a
 * JSON body validates against the declared schema, and declared headers hold their type.
 */

type Json = Record<string, unknown>;
export type OpenApiDocument = { paths: Record<string, Record<string, Json>>; components?: { schemas?: Record<string, Json> } };

/** What the checks need of a response (supertest's answer has these). */
export type Answer = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Annotations OpenAPI 3.0 allows in a schema that JSON Schema validators do not know. */
const ANNOTATIONS = ['example', 'xml', 'externalDocs', 'discriminator'];

/** `METHOD /path` of every operation in the document, in document order. */
export function operationIds(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`));
}

/**
 * OpenAPI 3.0 schema → JSON Schema: `nullable` becomes a `null` alternative, and an object that
 * lists its properties without saying more is closed (an answer carrying a field the document
 * does not list is a drift too, and may be a leak).
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const { nullable, ...schema } = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Json).map(([name, inner]) => [name, toJsonSchema(inner)]));
    else if (key === '$ref') out[key] = String(value).replace('#/components/schemas/', 'openapi.json#/$defs/');
    else if (key === 'example' || key === 'enum' || key === 'default') out[key] = value;
    else out[key] = toJsonSchema(value);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

export class ContractChecker {
  private readonly ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, keywords: ANNOTATIONS, formats: { password: true } });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    formats.default(this.ajv);
    this.ajv.addSchema({ $id: 'openapi.json', $defs: toJsonSchema(document.components?.schemas ?? {}) });
  }

  /** The declared response of `operation` for `status`: its own entry, its `NXX` range, or `default`. */
  declared(operation: string, status: number): Json | undefined {
    const responses = this.operation(operation).responses as Record<string, Json> | undefined;
    return responses?.[String(status)] ?? responses?.[`${String(status)[0]}XX`] ?? responses?.default;
  }

  operation(id: string): Json {
    const [method = '', path = ''] = id.split(' ');
    const operation = this.document.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the document has no operation ${id}`);
    return operation;
  }

  /** Every way `answer` breaks the document's promises for `operation` (empty when it keeps them). */
  problems(operation: string, answer: Answer): string[] {
    const response = this.declared(operation, answer.status);
    if (!response) return [`status ${answer.status} is not declared`];
    return [...this.bodyProblems(operation, answer, response), ...this.headerProblems(answer, response)];
  }

  /** Validates `value` against `schema` (a document schema, `$ref`s into components allowed). */
  validate(schema: unknown, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.compile(toJsonSchema(schema) as Json);
      this.validators.set(key, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }

  private bodyProblems(operation: string, answer: Answer, response: Json): string[] {
    const type = String(answer.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const content = response.content as Record<string, Json> | undefined;
    if (!content) return answer.text.length > 0 ? [`a ${answer.status} body (${type || 'no content type'}) where the document declares none`] : [];
    const media = content[type];
    if (!media) return [`content type "${type}" is not declared for ${answer.status} (declared: ${Object.keys(content).join(', ')})`];
    if (type !== 'application/json' || !media.schema) return [];
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return [`${operation} ${answer.status}: the body is labelled JSON but does not parse`];
    }
    return this.validate(media.schema, body).map((problem) => `${answer.status} body: ${problem}`);
  }

  private headerProblems(answer: Answer, response: Json): string[] {
    const headers = (response.headers ?? {}) as Record<string, Json>;
    return Object.entries(headers).flatMap(([name, header]) => {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) return header.required === true ? [`required header ${name} is missing`] : [];
      const schema = (header.schema ?? {}) as Json;
      const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
      return this.validate(schema, typed).map((problem) => `header ${name}: ${problem}`);
    });
  }
}
