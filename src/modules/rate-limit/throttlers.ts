import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import { THROTTLER_TTL } from '@nestjs/throttler/dist/throttler.constants.js';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';
import type { Budget } from '../../config/rate-limit.config.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { hashKey } from './limiters.js';
import { ROUTE_POLICIES, type RoutePolicy } from '../../common/auth/throttle.js';
import { counterStorage } from './throttler-storage.js';

type Req = Request & { user?: AuthUser };

/**
 * The named throttlers, in the order the guard checks them:
 *  - `apiKey`: a request with an API key spends the key's own budget (its owner's plan);
 *  - `default`: the caller's budget, by user and plan when signed in (an API key's owner too, so
 *    the owner's budget caps all their keys), otherwise by IP (the anonymous budget);
 *  - one per route policy, by IP, spent only on the routes that name it in `@Throttle()`.
 */
export type BudgetName = 'apiKey' | 'default' | RoutePolicy;
export const THROTTLER_ORDER: readonly BudgetName[] = ['apiKey', 'default', ...ROUTE_POLICIES];

/** Counters are keyed by budget and by who spends it; never a raw IP. */
export const budgetKey = (prefix: string, name: string, tracker: string) => `${prefix}:${name}:${tracker}`;
export const ipTracker = (req: Request) => `ip:${hashKey(String(req.ip))}`;

const requestOf = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Req>();

/** @nestjs/throttler's options from config: the budgets, the key scheme, the shared storage. */
export function throttlerOptions(config: AppConfig, redis: Redis | null): ThrottlerModuleOptions {
  const { keyPrefix, anonymous, plans, routes } = config.rateLimit;
  // The caller's budget: by plan when signed in (null: unlimited), else the anonymous one.
  const budgetOf = (ctx: ExecutionContext): Budget | null => {
    const user = requestOf(ctx).user;
    return user ? plans[user.plan] : anonymous;
  };
  const callerBudget = {
    limit: (ctx: ExecutionContext) => budgetOf(ctx)?.limit ?? 0,
    ttl: (ctx: ExecutionContext) => (budgetOf(ctx)?.windowSeconds ?? 0) * 1000,
    // No block beyond the window: a spent budget refills when its window ends.
    blockDuration: 0,
  };
  const apiKey: ThrottlerOptions = {
    ...callerBudget,
    name: 'apiKey',
    skipIf: (ctx) => !requestOf(ctx).user?.apiKey || !budgetOf(ctx),
    getTracker: (req) => `key:${(req as Req).user?.apiKey?.id}`,
  };
  const caller: ThrottlerOptions = {
    ...callerBudget,
    name: 'default',
    skipIf: (ctx) => !budgetOf(ctx),
    getTracker: (req) => {
      const user = (req as Req).user;
      return user ? `user:${user.id}` : ipTracker(req as Req);
    },
  };
  const perRoute = ROUTE_POLICIES.map(
    (name): ThrottlerOptions => ({
      name,
      limit: routes[name].limit,
      ttl: routes[name].windowSeconds * 1000,
      blockDuration: 0,
      skipIf: (ctx) => !namesBudget(ctx, name),
      getTracker: (req) => ipTracker(req as Req),
    }),
  );
  return {
    throttlers: [apiKey, caller, ...perRoute],
    storage: counterStorage(redis),
    generateKey: (_ctx, tracker, name) => budgetKey(keyPrefix, name, tracker),
  };
}

/** Whether `@Throttle({ [name]: ... })` sits on the route's handler or controller. */
function namesBudget(ctx: ExecutionContext, name: string): boolean {
  return Reflect.hasMetadata(THROTTLER_TTL + name, ctx.getHandler()) || Reflect.hasMetadata(THROTTLER_TTL + name, ctx.getClass());
}
