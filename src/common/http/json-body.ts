import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { UnsupportedMediaTypeError } from '../errors/app-error.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** JSON only: a body of any other type is refused with 415 before parsing (no form or XML parser exists). */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  next(BODY_METHODS.has(req.method) && hasBody(req) && !req.is('application/json') ? new UnsupportedMediaTypeError() : undefined);
}

/** Keys that could reach an object's prototype if some code ever merged the body into an object. */
const POLLUTING_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Text PostgreSQL cannot store (NUL) or that is not Unicode at all (a lone UTF-16 surrogate, which
 * breaks encodeURIComponent, validators and the database driver): refused in any key or string.
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE_TEXT = /\u0000|\p{Surrogate}/u;

/**
 * The JSON parser: strict (objects and arrays only), size-limited (413 beyond), uncompressed only
 * (415 for a Content-Encoding), and refusing prototype-pollution keys and unstorable text
 * anywhere in the document (400), whatever the DTO would have said.
 */
export function jsonBodyParser(limit: string): RequestHandler {
  return express.json({
    limit,
    strict: true,
    type: 'application/json',
    // A compressed body could expand far past the limit's intent; clients send JSON as it is.
    inflate: false,
    reviver: (key: string, value: unknown) => {
      if (POLLUTING_KEYS.has(key)) throw new SyntaxError(`forbidden key ${key}`);
      if (UNSTORABLE_TEXT.test(key) || (typeof value === 'string' && UNSTORABLE_TEXT.test(value))) throw new SyntaxError('unstorable text');
      return value;
    },
  });
}
