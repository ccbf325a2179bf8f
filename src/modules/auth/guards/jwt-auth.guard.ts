import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import jwt from 'jsonwebtoken';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../../common/decorators/route-auth.metadata.js';
import { UnauthorizedError } from '../../../common/errors/app-error.js';

export class TokenExpiredAuthError extends UnauthorizedError {
  constructor() {
    super('Token expired');
  }
}

/**
 * Deny by default: every route needs a valid access token unless it is declared `@Public()`.
 * Failures are one generic 401 (the reason is not a hint for an attacker), except an expired
 * token, which clients need to tell apart to refresh.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(ctx: ExecutionContext) {
    const auth = this.reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (auth?.kind === 'public') return true;
    return super.canActivate(ctx);
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err) throw err;
    if (user) return user;
    if (info instanceof jwt.TokenExpiredError) throw new TokenExpiredAuthError();
    throw new UnauthorizedError(info instanceof Error && info.message === 'No auth token' ? 'Authentication required' : 'Invalid token');
  }
}
