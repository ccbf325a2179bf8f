import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { AppConfig } from '../../config/app-config.js';

/**
 * `__Host-` pins the cookie to this exact host over HTTPS with Path=/ (no subdomain can set or
 * read it); HttpOnly keeps it from scripts; SameSite=Strict keeps it off cross-site requests.
 */
export const REFRESH_COOKIE = '__Host-refresh_token';

function cookieOptions(maxAgeSeconds: number): CookieOptions {
  return { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: maxAgeSeconds * 1000 };
}

/** Carries the MFA challenge of a Google login to the front end without putting it in a URL. */
export const MFA_CHALLENGE_COOKIE = '__Host-mfa_challenge';

function cookie(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export const refreshTokenFromCookie = (req: Request) => cookie(req, REFRESH_COOKIE);
export const mfaChallengeFromCookie = (req: Request) => cookie(req, MFA_CHALLENGE_COOKIE);

export function setRefreshCookie(res: Response, refreshToken: string, ttlSeconds: number): void {
  res.cookie(REFRESH_COOKIE, refreshToken, cookieOptions(ttlSeconds));
}

export function setMfaChallengeCookie(res: Response, challenge: string, ttlSeconds: number): void {
  res.cookie(MFA_CHALLENGE_COOKIE, challenge, cookieOptions(ttlSeconds));
}

/** Mirrors the refresh token of a token response into the cookie, for browser clients. */
@Injectable()
export class SetRefreshCookieInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: { refreshToken?: unknown }) => {
        if (typeof body?.refreshToken === 'string') setRefreshCookie(res, body.refreshToken, this.config.auth.refreshTokenTtlSeconds);
        return body;
      }),
    );
  }
}

@Injectable()
export class ClearRefreshCookieInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        res.clearCookie(REFRESH_COOKIE, { ...cookieOptions(0), maxAge: undefined });
        return body;
      }),
    );
  }
}
