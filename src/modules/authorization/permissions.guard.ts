import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../common/auth/route-auth.metadata.js';
import { ForbiddenError } from '../../common/errors/app-error.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { hasPermission, type Permission } from '../../common/auth/permissions.js';

/**
 * Runs after authentication: an API key must carry the scope the route accepts keys with (key
 * management, MFA, sessions and admin routes accept none), and the caller's role must hold every
 * permission the route declares. A key never does more than its owner's role allows.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const auth = this.reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (auth?.kind !== 'authenticated') return true;
    const user = ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (user?.apiKey && !(auth.apiKeyScope && user.apiKey.scopes.includes(auth.apiKeyScope))) {
      throw new ForbiddenError('API key not allowed here');
    }
    const allowed = !!user && auth.permissions.every((p) => hasPermission(user.role, p as Permission));
    if (!allowed) throw new ForbiddenError();
    return true;
  }
}
