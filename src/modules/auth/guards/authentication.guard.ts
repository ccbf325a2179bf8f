import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../../common/auth/route-auth.metadata.js';
import { UnauthorizedError } from '../../../common/errors/app-error.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { RateLimitGuard } from '../../rate-limit/rate-limit.guard.js';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import { TokenExpiredAuthError } from '../auth.errors.js';

/**
 * Deny by default: every route needs a valid access token, or an `X-API-Key` (header only),
 * unless it is declared `@Public()`. Failures are one generic 401 (the reason is not a hint for
 * an attacker), except an expired token, which clients need to tell apart to refresh.
 * Which routes a key may call is the PermissionsGuard's decision.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    private readonly rateLimit: RateLimitGuard,
  ) {
    super();
  }

  override async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const auth = this.reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (auth?.kind === 'public') return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    try {
      return await this.authenticate(ctx, req);
    } catch (err) {
      if (err instanceof UnauthorizedError) await this.rateLimit.chargeFailedAuthentication(req, ctx.switchToHttp().getResponse<Response>());
      throw err;
    }
  }

  private async authenticate(ctx: ExecutionContext, req: Request & { user?: AuthUser }): Promise<boolean> {
    const apiKey = req.headers['x-api-key'];
    if (typeof apiKey === 'string' && req.headers.authorization === undefined) {
      req.user = await this.apiKeys.authenticate(apiKey);
      return true;
    }
    return (await super.canActivate(ctx)) as boolean;
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown): TUser {
    if (err) throw err;
    if (user) return user;
    if (info instanceof jwt.TokenExpiredError) throw new TokenExpiredAuthError();
    throw new UnauthorizedError(info instanceof Error && info.message === 'No auth token' ? 'Authentication required' : 'Invalid token');
  }
}
