import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, unknown>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ERROR = { $ref: '#/components/schemas/ErrorResponseDto' };

const integerHeader = (description: string) => ({ description, schema: { type: 'integer', minimum: 0, maximum: 1_000_000_000, format: 'int32' } });

/** What every budgeted answer carries (docs/API.md §5), and what a 429 adds. */
const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': integerHeader('Requests allowed in the current window'),
  'RateLimit-Remaining': integerHeader('Requests left in the current window'),
  'RateLimit-Reset': integerHeader('Seconds until the window resets'),
};

/** CORS (docs/API.md §1): present only for origins in ALLOWED_ORIGINS, echoed exactly. */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': {
    description: 'The caller\'s Origin, echoed only when it is in ALLOWED_ORIGINS (never *)',
    schema: { type: 'string', format: 'uri', maxLength: 2048 },
  },
};

/** Errors any operation can answer, whatever its handler does (the global pipeline adds them). */
const COMMON_ERRORS: Record<string, string> = {
  '400': 'Validation failed: unknown fields, wrong types, bad ids or query parameters',
  '413': 'Request body larger than 256 kB',
  '415': 'Body is not application/json',
  '429': 'Too many requests (see Retry-After)',
  '500': 'Internal error (generic body, detail in the log only)',
};

/** Length caps for strings whose format implies one (ids, timestamps, addresses). */
const FORMAT_MAX_LENGTH: Record<string, number> = { uuid: 36, 'date-time': 30, email: 254, password: 512, uri: 2048 };
const DEFAULT_MAX_LENGTH = 2048;
const DEFAULT_MAX_ITEMS = 100;

function errorResponse(description: string, withRetryAfter = false) {
  return {
    description,
    headers: { ...RATE_LIMIT_HEADERS, ...(withRetryAfter && { 'Retry-After': integerHeader('Seconds to wait before retrying') }) },
    content: { 'application/json': { schema: ERROR } },
  };
}

function completeResponses(operation: Json): void {
  const responses = (operation.responses ??= {}) as Record<string, Json>;
  for (const [status, description] of Object.entries(COMMON_ERRORS)) responses[status] ??= errorResponse(description, status === '429');
  const secured = Array.isArray(operation.security) && operation.security.length > 0;
  if (secured) responses['401'] ??= errorResponse('Missing, invalid or expired credentials');
  for (const [status, response] of Object.entries(responses)) {
    response.headers = { ...CORS_HEADERS, ...(/^[24]/.test(status) ? RATE_LIMIT_HEADERS : {}), ...(response.headers as Json | undefined) };
    if (status === '429') (response.headers as Json)['Retry-After'] ??= integerHeader('Seconds to wait before retrying');
  }
}

/** Every string gets a maximum length and every array a maximum size, as the validators enforce. */
function boundSchemas(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(boundSchemas);
  if (!node || typeof node !== 'object') return;
  const schema = node as Json;
  if (schema.type === 'string' && schema.maxLength === undefined && schema.enum === undefined && schema.const === undefined) {
    schema.maxLength = FORMAT_MAX_LENGTH[String(schema.format)] ?? DEFAULT_MAX_LENGTH;
  }
  if (schema.type === 'array' && schema.maxItems === undefined) schema.maxItems = DEFAULT_MAX_ITEMS;
  Object.values(schema).forEach(boundSchemas);
}

/**
 * Applies the API's global conventions to the generated document, so it describes what the
 * pipeline really does: the standard error answers, the rate-limit headers, the bounds on every
 * string and array, and a distinct security scheme for admin routes.
 */
export function applyApiConventions(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Json)[method] as Json | undefined;
      if (!operation) continue;
      if (path.startsWith('/api/v1/admin/')) operation.security = [{ admin: [] }];
      completeResponses(operation);
    }
  }
  boundSchemas(document.paths);
  boundSchemas(document.components?.schemas);
  return document;
}
