import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';
import { REQUEST_ID_HEADER } from '../request-id/request-id.js';

/**
 * CORS from an allowlist: an allowed origin is echoed exactly (with `Vary: Origin`), with
 * credentials; any other origin, `null` included, gets no CORS header at all, preflight or not.
 */
export function corsOptions(allowedOrigins: string[]): CorsOptions {
  const allowed = new Set(allowedOrigins);
  return {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // If-Match: optimistic concurrency on posts (docs/SECURITY-MODEL.md, Concurrent edits), beyond docs/API.md §1's list.
    allowedHeaders: ['Content-Type', 'Authorization', 'X-API-Key', REQUEST_ID_HEADER, 'If-Match'],
    exposedHeaders: ['X-Total-Count', 'ETag', REQUEST_ID_HEADER, 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'],
    maxAge: 86_400,
  };
}
