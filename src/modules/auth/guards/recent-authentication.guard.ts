import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import { PASSWORD_MAX } from '../../../common/auth/password-policy.js';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../../common/auth/route-auth.metadata.js';
import { UnauthorizedError } from '../../../common/errors/app-error.js';
import { requestMetaOf } from '../../../common/http/request-meta.js';
import { ReauthenticationService } from '../reauthentication/reauthentication.service.js';

/**
 * For routes declared `@Authenticated({ recentAuthentication: true })`: changes that outlive the
 * session (an API key, MFA turned on) need a session that signed in recently, or the password
 * again (`password` in the body), so a stolen access token alone cannot make them. Runs after
 * authentication and the permission check; a wrong password spends the login failure budget.
 */
@Injectable()
export class RecentAuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly reauth: ReauthenticationService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const auth = this.reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (auth?.kind !== 'authenticated' || !auth.recentAuthentication) return true;
    const req = ctx.switchToHttp().getRequest<Request & { user: AuthUser }>();
    await this.reauth.requireRecentOrPassword(req.user, passwordIn(req.body), requestMetaOf(req), () => new UnauthorizedError('Invalid password'));
    return true;
  }
}

/** The body's `password`, read before validation: only a string of a plausible length counts. */
function passwordIn(body: unknown): string | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>).password : undefined;
  return typeof value === 'string' && value.length > 0 && value.length <= PASSWORD_MAX * 4 ? value : undefined;
}
