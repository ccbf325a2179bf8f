import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';

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

/**
 * In production, API calls over plain HTTP are refused: credentials would cross the network in
 * clear. `req.secure` is true over direct TLS, or behind a trusted proxy that says
 * `X-Forwarded-Proto: https`. Health probes stay reachable for orchestrators on the inside.
 */
export function requireHttps(req: Request, _res: Response, next: NextFunction): void {
  next(req.secure || req.path.startsWith('/health/') ? undefined : new HttpsRequiredError());
}
