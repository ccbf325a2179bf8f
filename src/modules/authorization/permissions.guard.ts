import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../common/decorators/route-auth.metadata.js';
import { ForbiddenError } from '../../common/errors/app-error.js';
import type { AuthUser } from '../auth/auth-user.js';
import { hasPermission, type Permission } from './permissions.js';

/** Runs after authentication: the caller's role must hold every permission the route declares. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const auth = this.reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (auth?.kind !== 'authenticated' || auth.permissions.length === 0) return true;
    const user = ctx.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    const allowed = !!user && auth.permissions.every((p) => hasPermission(user.role, p as Permission));
    if (!allowed) throw new ForbiddenError();
    return true;
  }
}
