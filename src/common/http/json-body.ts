import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BadRequestError, UnsupportedMediaTypeError } from '../errors/app-error.js';
import { CONTROL_CHARACTER, fieldPath, markSuspicious, POLLUTING_KEYS, type SuspiciousInput } from './suspicious-input.js';

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

/** Not Unicode at all (a lone UTF-16 surrogate breaks encodeURIComponent, validators and the driver). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** A refusal: marked suspicious, or plain (text that is not Unicode, a document nested too deep). */
type Finding = SuspiciousInput | 'not-unicode' | 'too-deep';

/** `path` is called only for a finding: most text is clean, and its path is never built. */
function textFinding(text: string, path: () => (string | number)[]): Finding | undefined {
  if (CONTROL_CHARACTER.test(text)) return { reason: 'control_character', field: fieldPath('body', path()) };
  return LONE_SURROGATE.test(text) ? 'not-unicode' : undefined;
}

function keyFinding(key: string, path: () => (string | number)[]): Finding | undefined {
  if (POLLUTING_KEYS.has(key)) return { reason: 'prototype_key', field: fieldPath('body', path()) };
  return textFinding(key, path);
}

/** Deeper than any body this API takes: refused before anything walks it further. */
export const MAX_JSON_DEPTH = 32;

/** A value of the document being walked, with the way back to the root (its path is built only when needed). */
type Node = { value: unknown; key: string | number | undefined; parent: Node | undefined; depth: number };

function pathOf(node: Node): (string | number)[] {
  const path: (string | number)[] = [];
  for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) path.push(n.key);
  return path.reverse();
}

/**
 * The first refusable key or string of a parsed document, depth-first, with an explicit stack (a
 * deeply nested document cannot overflow the call stack). Linear in the document's size: each
 * node points at its parent, and a path is built only for what is refused. A document nested
 * deeper than MAX_JSON_DEPTH is refused as it is reached (so `[[[[...]]]]` costs nothing).
 */
function findHostileText(document: unknown): Finding | undefined {
  const stack: Node[] = [{ value: document, key: undefined, parent: undefined, depth: 0 }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value, depth } = node;
    if (typeof value === 'string') {
      const found = textFinding(value, () => pathOf(node));
      if (found) return found;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) return 'too-deep';
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: node, depth: depth + 1 });
      } else {
        for (const [key, child] of Object.entries(value)) {
          const next: Node = { value: child, key, parent: node, depth: depth + 1 };
          const found = keyFinding(key, () => pathOf(next));
          if (found) return found;
          stack.push(next);
        }
      }
    }
  }
  return undefined;
}

/**
 * Prototype-pollution keys, unstorable or control text anywhere in the document, and nesting past
 * MAX_JSON_DEPTH are a 400 (whatever the DTO would have said), with the same message as malformed
 * JSON. The keys and control text are marked suspicious; a lone surrogate (which a client's naive
 * string slicing can produce) and deep nesting (not on the fixed list of reasons) are not.
 */
function refuseHostileJson(req: Request, _res: Response, next: NextFunction): void {
  const found = req.body === undefined ? undefined : findHostileText(req.body);
  if (!found) return next();
  const error = new BadRequestError('Malformed JSON body');
  next(typeof found === 'string' ? error : markSuspicious(error, found.reason, found.field));
}

/**
 * The JSON parser: strict (objects and arrays only), size-limited (413 beyond), uncompressed only
 * (415 for a Content-Encoding), then the hostile-text check above.
 */
export function jsonBodyParser(limit: string): RequestHandler[] {
  // JSON.parse keeps `__proto__` as an own key, so the check after parsing sees it.
  return [refuseEncodedBody, express.json({ limit, strict: true, type: 'application/json', inflate: false }), refuseHostileJson];
}
