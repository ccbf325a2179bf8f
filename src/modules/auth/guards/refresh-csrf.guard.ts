import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ForbiddenError, UnsupportedMediaTypeError } from '../../../common/errors/app-error.js';
import { AppConfig } from '../../../config/app-config.js';
import { refreshTokenFromCookie } from '../refresh-cookie.js';

/**
 * CSRF defence for the cookie-borne refresh. A cross-site form can send the cookie (were it not
 * SameSite) but cannot send `Content-Type: application/json` without a CORS preflight, and its
 * `Origin` is foreign: either one refuses the request. Body-borne tokens need no such check.
 */
@Injectable()
export class RefreshCsrfGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    const fromBody = typeof (req.body as { refreshToken?: unknown } | undefined)?.refreshToken === 'string';
    if (fromBody || !refreshTokenFromCookie(req)) return true;
    if (!req.is('application/json')) throw new UnsupportedMediaTypeError();
    const origin = req.headers.origin;
    if (origin !== undefined && !this.config.app.allowedOrigins.includes(origin)) throw new ForbiddenError();
    if (req.headers['sec-fetch-site'] === 'cross-site') throw new ForbiddenError();
    return true;
  }
}
