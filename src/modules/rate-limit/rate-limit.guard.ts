import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext, type OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../common/decorators/route-auth.metadata.js';
import { ServiceUnavailableError, TooManyRequestsError } from '../../common/errors/app-error.js';
import { requestMetaOf } from '../../common/http/request-meta.js';
import { AppConfig } from '../../config/app-config.js';
import type { Budget } from '../../config/rate-limit.config.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { createLimiter, hashKey, isOverLimit } from './limiters.js';
import { RATE_LIMIT_KEY, type RateLimitMetadata, type RoutePolicy } from './rate-limit.decorator.js';
import { REDIS } from './redis.provider.js';

type Req = Request & { user?: AuthUser };
type Check = { name: string; limiter: RateLimiterAbstract; budget: Budget; key: string; headers: boolean };

/**
 * Request budgets (SPEC.md §7). Runs after authentication, so a signed-in caller is counted by
 * user and plan (enterprise: unlimited), anyone else by IP. `req.ip` is the socket address
 * unless TRUST_PROXY says how many proxies to believe, so a forged X-Forwarded-For never changes
 * the key. Routes marked `@RateLimit(...)` also spend a stricter per-IP budget.
 * If the store (Redis) is unreachable, public routes (login, register, refresh: what attackers
 * hammer) fail closed with 503, while signed-in routes keep serving, counted against the same
 * budgets in this instance's memory until Redis is back.
 */
@Injectable()
export class RateLimitGuard implements CanActivate, OnModuleInit {
  private readonly log = new Logger('RateLimit');
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  /** Per-instance counters for signed-in routes while the shared store is unreachable. */
  private readonly fallbacks = new Map<string, RateLimiterAbstract>();
  private lastOutageLog = 0;
  private unavailableCount = 0;
  private unavailableSince: number | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    const { anonymous, plans, routes } = this.config.rateLimit;
    const budgets = { anonymous, DEFAULT: plans.DEFAULT, PREMIUM: plans.PREMIUM, ...routes };
    for (const [name, budget] of Object.entries(budgets)) {
      this.limiters.set(name, createLimiter(this.redis, `${this.config.rateLimit.keyPrefix}:${name}`, budget));
      if (this.redis) this.fallbacks.set(name, createLimiter(null, `fallback:${name}`, budget));
    }
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const meta = this.reflector.getAllAndOverride<RateLimitMetadata | undefined>(RATE_LIMIT_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (meta?.skip) return true;
    const req = ctx.switchToHttp().getRequest<Req>();
    const res = ctx.switchToHttp().getResponse<Response>();
    for (const check of this.checksFor(req, meta?.policy)) {
      try {
        const outcome = await this.consume(ctx, check);
        if (check.headers) setRateLimitHeaders(res, check.budget, outcome);
      } catch (rejection) {
        if (!isOverLimit(rejection)) throw rejection;
        // A 429 always reports the budget that refused it.
        setRateLimitHeaders(res, check.budget, rejection);
        throw this.limited(req, rejection);
      }
    }
    return true;
  }

  /**
   * Failed authentication is not free: a bad token or API key spends the caller's per-IP
   * anonymous budget (guessing credentials gets throttled like any anonymous traffic).
   * Throws 429 once that budget is gone; otherwise returns and the caller answers 401.
   */
  async chargeFailedAuthentication(req: Req, res: Response): Promise<void> {
    const budget = this.config.rateLimit.anonymous;
    try {
      await this.limiter('anonymous').consume(`ip:${hashKey(String(req.ip))}`);
    } catch (rejection) {
      if (!isOverLimit(rejection)) throw new ServiceUnavailableError();
      setRateLimitHeaders(res, budget, rejection);
      throw this.limited(req, rejection);
    }
  }

  private limited(req: Req, rejection: RateLimiterRes): TooManyRequestsError {
    this.audit.record('RATE_LIMITED', { meta: requestMetaOf(req), userId: req.user?.id ?? null, outcome: 'failure', metadata: { path: req.path } });
    return new TooManyRequestsError(rejection.msBeforeNext / 1000);
  }

  private checksFor(req: Req, policy: RoutePolicy | undefined): Check[] {
    const ipKey = `ip:${hashKey(String(req.ip))}`;
    const user = req.user;
    const budgetName = user ? user.plan : 'anonymous';
    const budget = user ? this.config.rateLimit.plans[user.plan] : this.config.rateLimit.anonymous;
    const checks: Check[] = [];
    // An API key spends its own budget (the plan's) as well as its owner's.
    if (budget && user?.apiKey) checks.push({ name: budgetName, limiter: this.limiter(budgetName), budget, key: `key:${user.apiKey.id}`, headers: true });
    if (budget) checks.push({ name: budgetName, limiter: this.limiter(budgetName), budget, key: user ? `user:${user.id}` : ipKey, headers: !user?.apiKey });
    if (policy) checks.push({ name: policy, limiter: this.limiter(policy), budget: this.config.rateLimit.routes[policy], key: ipKey, headers: false });
    return checks;
  }

  private limiter(name: string): RateLimiterAbstract {
    const limiter = this.limiters.get(name);
    if (!limiter) throw new Error(`no rate limiter named ${name}`);
    return limiter;
  }

  /**
   * Spends one point of the check's budget in the shared store. If the store is unreachable:
   * public routes get 503 (fail closed), signed-in routes spend the same budget in this
   * instance's memory. Rejects with the limiter's answer when the budget is spent.
   */
  private async consume(ctx: ExecutionContext, check: Check): Promise<RateLimiterRes> {
    try {
      const outcome = await check.limiter.consume(check.key);
      this.unavailableSince = undefined;
      return outcome;
    } catch (err) {
      if (isOverLimit(err)) throw err;
      this.storeUnavailable(ctx, err);
      const fallback = this.fallbacks.get(check.name);
      if (!fallback) throw new ServiceUnavailableError();
      return fallback.consume(check.key);
    }
  }

  /** Logs the outage; on a public route, refuses the request (503). */
  private storeUnavailable(ctx: ExecutionContext, err: unknown): void {
    // Once per 10 s at most: an outage must show in the log, not flood it.
    const now = Date.now();
    this.unavailableSince ??= now;
    this.unavailableCount++;
    if (now - this.lastOutageLog >= 10_000) {
      this.log.error(
        { err: err instanceof Error ? err.message : String(err), requestsAffected: this.unavailableCount, since: new Date(this.unavailableSince).toISOString() },
        'rate-limit store unavailable',
      );
      this.lastOutageLog = now;
      this.unavailableCount = 0;
    }
    const auth = this.reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (auth?.kind !== 'authenticated') throw new ServiceUnavailableError();
  }
}

/** IETF draft `RateLimit-*` headers: the budget, what is left of it, seconds until it refills. */
function setRateLimitHeaders(res: Response, budget: Budget, outcome: RateLimiterRes): void {
  res.setHeader('RateLimit-Limit', String(budget.limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, outcome.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.ceil(outcome.msBeforeNext / 1000)));
}
