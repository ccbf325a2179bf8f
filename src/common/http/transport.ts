import type { NextFunction, Request, Response } from 'express';
import { AppError, BadRequestError } from '../errors/app-error.js';
import { markSuspicious } from './suspicious-input.js';

export class HttpsRequiredError extends AppError {
  constructor() {
    super(403, 'HTTPS required');
  }
}

export class MethodNotAllowedError extends AppError {
  constructor() {
    super(405, 'Method not allowed');
  }
}

/** TRACE echoes a request back (cross-site tracing): refused everywhere. (Node rejects TRACK itself.) */
export function refuseTrace(req: Request, _res: Response, next: NextFunction): void {
  next(req.method === 'TRACE' ? new MethodNotAllowedError() : undefined);
}

/** Headers some frameworks read to run a request as another method. */
const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'];

/**
 * A method-override header is refused (400), not ignored: nothing here honours one, and a client
 * sending it is probing for a proxy or framework that would turn a POST or GET into a DELETE
 * past method-based rules. (CORS does not allow these headers, so no browser app sends them.)
 */
export function refuseMethodOverride(req: Request, _res: Response, next: NextFunction): void {
  const header = METHOD_OVERRIDE_HEADERS.find((name) => req.headers[name] !== undefined);
  next(header ? markSuspicious(new BadRequestError('Method override is not supported'), 'method_override', `header.${header}`) : undefined);
}

/**
 * In production, API calls over plain HTTP are refused: credentials would cross the network in
 * clear. `req.secure` is true over direct TLS, or behind a trusted proxy that says
 * `X-Forwarded-Proto: https`. Health probes stay reachable for orchestrators on the inside.
 */
export function requireHttps(req: Request, _res: Response, next: NextFunction): void {
  next(req.secure || req.path.startsWith('/health/') ? undefined : new HttpsRequiredError());
}
