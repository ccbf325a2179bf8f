import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors/app-error.js';
import { fieldPath, markSuspicious, type SuspiciousInput } from './suspicious-input.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** JSON only: a body of any other type is refused with 415 before parsing (no form or XML parser exists). */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  next(BODY_METHODS.has(req.method) && hasBody(req) && !req.is('application/json') ? new UnsupportedMediaTypeError() : undefined);
}

/**
 * Uncompressed bodies only (415 for a Content-Encoding other than identity): a compressed body
 * could expand far past the size limit's intent, and clients send JSON as it is, so a label is
 * a probe (a decompression bomb, or a parser differential) and is marked as one.
 */
function refuseEncodedBody(req: Request, _res: Response, next: NextFunction): void {
  const encoding = req.headers['content-encoding'];
  const encoded = encoding !== undefined && encoding.trim().toLowerCase() !== 'identity';
  next(encoded && hasBody(req) ? markSuspicious(new UnsupportedMediaTypeError(), 'content_encoding', 'header.content-encoding') : undefined);
}

/** Keys that could reach an object's prototype if some code ever merged the body into an object. */
const POLLUTING_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Control characters no honest text holds: C0 except tab, LF and CR, and DEL. NUL also cannot be stored by PostgreSQL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Not Unicode at all (a lone UTF-16 surrogate breaks encodeURIComponent, validators and the driver). */
const LONE_SURROGATE = /\p{Surrogate}/u;

type Finding = SuspiciousInput | 'not-unicode';

function textFinding(text: string, path: (string | number)[]): Finding | undefined {
  if (CONTROL.test(text)) return { reason: 'control_character', field: fieldPath('body', path) };
  return LONE_SURROGATE.test(text) ? 'not-unicode' : undefined;
}

function keyFinding(key: string, path: (string | number)[]): Finding | undefined {
  if (POLLUTING_KEYS.has(key)) return { reason: 'prototype_key', field: fieldPath('body', path) };
  return textFinding(key, path);
}

/**
 * The first refusable key or string of a parsed document, depth-first, with an explicit stack
 * (a deeply nested document cannot overflow the call stack).
 */
function findHostileText(document: unknown): Finding | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: document, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (typeof value === 'string') {
      const found = textFinding(value, path);
      if (found) return found;
    } else if (Array.isArray(value)) {
      value.forEach((child: unknown, i) => stack.push({ value: child, path: [...path, i] }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const found = keyFinding(key, [...path, key]);
        if (found) return found;
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/**
 * Prototype-pollution keys and unstorable or control text anywhere in the document are a 400
 * (whatever the DTO would have said), with the same message as malformed JSON. All but the lone
 * surrogate (which a client's naive string slicing can produce) are marked suspicious.
 */
function refuseHostileJson(req: Request, _res: Response, next: NextFunction): void {
  const found = req.body === undefined ? undefined : findHostileText(req.body);
  if (!found) return next();
  const error = new BadRequestError('Malformed JSON body');
  next(found === 'not-unicode' ? error : markSuspicious(error, found.reason, found.field));
}

/**
 * The JSON parser: strict (objects and arrays only), size-limited (413 beyond), uncompressed only
 * (415 for a Content-Encoding), then the hostile-text check above.
 */
export function jsonBodyParser(limit: string): RequestHandler[] {
  // JSON.parse keeps `__proto__` as an own key, so the check after parsing sees it.
  return [refuseEncodedBody, express.json({ limit, strict: true, type: 'application/json', inflate: false }), refuseHostileJson];
}
