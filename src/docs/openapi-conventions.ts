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

/**
 * Errors the pipeline adds depending on where the route lives: production refuses plain HTTP
 * everywhere but the health probes (src/common/http/transport.ts), and every route under /api
 * reads PostgreSQL or the Redis rate-limit store, so either being unreachable is a 503.
 */
const HTTPS_REQUIRED = 'HTTPS required: a plain-HTTP call in production (no TLS, no trusted X-Forwarded-Proto)';
const UNAVAILABLE = 'Database or Redis unreachable, or too many password hashes queued: retry later';

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

const REQUEST_ID = '5f0c2a4e-8d1b-4c3f-9a6e-2b7d1e0f4c91';

/**
 * What the API really answers for each error status (src/common/errors/app-error.ts and the
 * modules' *.errors.ts): `details` only on a 400 validation failure, `retryAfter` only on a 429.
 */
const ERROR_EXAMPLES: Record<string, Json> = {
  '400': { error: 'Validation failed', requestId: REQUEST_ID, details: [{ field: 'title', message: 'title must be longer than or equal to 3 characters' }] },
  '401': { error: 'Authentication required', requestId: REQUEST_ID },
  '403': { error: 'Access denied', requestId: REQUEST_ID },
  '404': { error: 'Not found', requestId: REQUEST_ID },
  '409': { error: 'Conflict', requestId: REQUEST_ID },
  '412': { error: 'Precondition failed: the post has changed since it was read', requestId: REQUEST_ID },
  '413': { error: 'Request body too large', requestId: REQUEST_ID },
  '415': { error: 'Content-Type must be application/json', requestId: REQUEST_ID },
  '429': { error: 'Too many requests', requestId: REQUEST_ID, retryAfter: 30 },
  '500': { error: 'Internal server error', requestId: REQUEST_ID },
  '502': { error: 'Sign-in provider error', requestId: REQUEST_ID },
  '503': { error: 'Service temporarily unavailable', requestId: REQUEST_ID },
  '504': { error: 'Sign-in provider did not answer in time', requestId: REQUEST_ID },
};

/** Where a route answers its own message for a status, the example shows that one (`METHOD path`, paths without /api/v1). */
const ROUTE_ERROR_MESSAGES: Record<string, Record<string, string>> = {
  'POST /auth/login': { '401': 'Invalid credentials', '403': 'Email not verified', '503': 'Too many sign-ins at once, try again shortly' },
  'POST /auth/refresh': { '401': 'Invalid refresh token' },
  'POST /auth/verify-email': { '400': 'Invalid or expired verification token' },
  'POST /auth/reset-password': { '400': 'Invalid or expired reset token' },
  'PATCH /users/me/password': { '401': 'Current password is incorrect' },
  'POST /auth/mfa/setup': { '409': 'MFA is already enabled' },
  'POST /auth/mfa/enable': { '401': 'Invalid code', '403': 'Recent authentication required: send your password, or sign in again', '409': 'MFA is already enabled' },
  'POST /auth/mfa/verify': { '401': 'Invalid or expired MFA challenge' },
  'POST /auth/mfa/disable': { '401': 'Invalid password or code', '409': 'MFA is not enabled' },
  'GET /auth/google': { '404': 'Google sign-in is not configured' },
  'GET /auth/google/callback': { '401': 'Google sign-in failed', '404': 'Google sign-in is not configured' },
  'POST /api-keys': { '401': 'Invalid password', '403': 'Recent authentication required: send your password, or sign in again', '409': 'At most 20 active API keys per user' },
  'DELETE /api-keys/{id}': { '404': 'API key not found' },
  'DELETE /auth/sessions/{id}': { '404': 'Session not found' },
  'DELETE /users/me': { '401': 'Invalid password or code', '409': 'The last admin cannot delete their account' },
  'GET /users/{id}': { '404': 'User not found' },
  'PATCH /admin/users/{id}/role': { '404': 'User not found', '409': 'The last admin cannot be demoted' },
  'PATCH /admin/users/{id}/status': { '404': 'User not found', '409': 'Admins cannot disable their own account' },
  'PATCH /admin/users/{id}/plan': { '404': 'User not found' },
  'GET /posts/{id}': { '404': 'Post not found' },
  'PATCH /posts/{id}': { '404': 'Post not found' },
  'DELETE /posts/{id}': { '404': 'Post not found' },
  'POST /posts/{postId}/comments': { '404': 'Post not found' },
  'GET /posts/{postId}/comments': { '404': 'Post not found' },
  'PATCH /comments/{id}': { '404': 'Comment not found' },
  'DELETE /comments/{id}': { '404': 'Comment not found' },
  'GET /health/ready': { '503': 'Service temporarily unavailable' },
};

/** Gives every JSON error response the example body of its status (and route), instead of one 400 for all. */
function exampleErrors(route: string, responses: Record<string, Json>): void {
  for (const [status, response] of Object.entries(responses)) {
    const example = ERROR_EXAMPLES[status];
    const media = (response.content as Record<string, Json> | undefined)?.['application/json'];
    if (!example || !media || media.example !== undefined || media.examples !== undefined) continue;
    const message = ROUTE_ERROR_MESSAGES[route]?.[status];
    media.example = message && status !== '400' ? { ...example, error: message } : message ? { error: message, requestId: REQUEST_ID } : example;
  }
}

/** Adds the production 403 for plain HTTP: its own response where the route had none, else a word in the route's. */
function httpsRequired(responses: Record<string, Json>): void {
  const own = responses['403'];
  if (own) {
    own.description = `${String(own.description ?? 'Access denied')}; or HTTPS required (plain HTTP in production)`;
    return;
  }
  const response = errorResponse(HTTPS_REQUIRED);
  (response.content['application/json'] as Json).example = { error: 'HTTPS required', requestId: REQUEST_ID };
  responses['403'] = response;
}

function completeResponses(operation: Json, path: string, route: string): void {
  const responses = (operation.responses ??= {}) as Record<string, Json>;
  for (const [status, description] of Object.entries(COMMON_ERRORS)) responses[status] ??= errorResponse(description, status === '429');
  if (!path.startsWith('/health/')) httpsRequired(responses);
  if (path.startsWith('/api/')) responses['503'] ??= errorResponse(UNAVAILABLE);
  const secured = Array.isArray(operation.security) && operation.security.length > 0;
  if (secured) responses['401'] ??= errorResponse('Missing, invalid or expired credentials');
  for (const [status, response] of Object.entries(responses)) {
    response.headers = { ...CORS_HEADERS, ...(/^[24]/.test(status) ? RATE_LIMIT_HEADERS : {}), ...(response.headers as Json | undefined) };
    if (status === '429') (response.headers as Json)['Retry-After'] ??= integerHeader('Seconds to wait before retrying');
  }
  exampleErrors(route, responses);
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
 * string and array, and an example body for each error status. Admin routes keep the one bearer
 * scheme their decorator declares: the permission they need is in their description and 403.
 */
export function applyApiConventions(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Json)[method] as Json | undefined;
      if (!operation) continue;
      completeResponses(operation, path, `${method.toUpperCase()} ${path.replace(/^\/api\/v1(?=\/)/, '')}`);
    }
  }
  boundSchemas(document.paths);
  boundSchemas(document.components?.schemas);
  return document;
}
