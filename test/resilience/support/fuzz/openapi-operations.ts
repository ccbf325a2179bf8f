import type { OpenAPIObject } from '@nestjs/swagger';

/** The slice of JSON Schema the fuzzer reads (what @nestjs/swagger emits for our DTOs). */
export type Schema = {
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Parameter = { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Schema };

/** One operation of the document, with every `$ref` and `allOf` resolved. */
export type Operation = {
  /** `GET /api/v1/posts/{id}`: what reports and FUZZ_ONLY use. */
  id: string;
  method: HttpMethod;
  path: string;
  parameters: Parameter[];
  body?: Schema;
  /** Declares a security requirement (bearer or api-key). */
  secured: boolean;
  /** Needs an admin permission (a route under /api/v1/admin/). */
  adminOnly: boolean;
};

type Json = Record<string, unknown>;

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function refTarget(document: OpenAPIObject, ref: string): Json {
  const name = ref.replace('#/components/schemas/', '');
  const target = document.components?.schemas?.[name];
  if (!target) throw new Error(`OpenAPI: unresolvable ${ref}`);
  return target as Json;
}

/** `$ref` and `allOf` inlined (a DTO graph has no cycles; depth is capped anyway). */
export function resolveSchema(document: OpenAPIObject, node: unknown, depth = 0): Schema {
  if (!node || typeof node !== 'object' || depth > 20) return {};
  let schema = node as Json;
  if (typeof schema.$ref === 'string') return resolveSchema(document, refTarget(document, schema.$ref), depth + 1);
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    schema = Object.assign({}, ...(allOf as unknown[]).map((part) => resolveSchema(document, part, depth + 1)), rest) as Json;
  }
  const resolved: Json = { ...schema };
  if (schema.items) resolved.items = resolveSchema(document, schema.items, depth + 1);
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties as Json).map(([key, value]) => [key, resolveSchema(document, value, depth + 1)]),
    );
  }
  return resolved as Schema;
}

function parametersOf(document: OpenAPIObject, operation: Json): Parameter[] {
  return ((operation.parameters as Json[] | undefined) ?? [])
    .filter((p) => p.in === 'path' || p.in === 'query' || p.in === 'header')
    .map((p) => ({
      name: String(p.name),
      in: p.in as Parameter['in'],
      required: p.required === true || p.in === 'path',
      schema: resolveSchema(document, p.schema),
    }));
}

function bodyOf(document: OpenAPIObject, operation: Json): Schema | undefined {
  const content = (operation.requestBody as Json | undefined)?.content as Json | undefined;
  const json = content?.['application/json'] as Json | undefined;
  return json?.schema ? resolveSchema(document, json.schema) : undefined;
}

/** Every operation of the document, in document order. */
export function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Json)[method.toLowerCase()] as Json | undefined;
      if (!operation) return [];
      const security = (operation.security as Json[] | undefined) ?? [];
      return [
        {
          id: `${method} ${path}`,
          method,
          path,
          parameters: parametersOf(document, operation),
          body: bodyOf(document, operation),
          secured: security.length > 0,
          adminOnly: path.startsWith('/api/v1/admin/'),
        },
      ];
    }),
  );
}
