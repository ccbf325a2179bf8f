import { Injectable, Logger, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, type ThrottlerModuleOptions, type ThrottlerRequest } from '@nestjs/throttler';
import { THROTTLER_SKIP } from '@nestjs/throttler/dist/throttler.constants.js';
import type { Request, Response } from 'express';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../common/auth/route-auth.metadata.js';
import { ServiceUnavailableError, TooManyRequestsError } from '../../common/errors/app-error.js';
import { requestMetaOf } from '../../common/http/request-meta.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { budgetKey, ipTracker, THROTTLER_ORDER, type BudgetName } from './throttlers.js';
import { MemoryCounterStorage, type CounterRecord, type CounterStorage } from './throttler-storage.js';

type Req = Request & { user?: AuthUser };

/**
 * Request budgets (docs/API.md §5) on @nestjs/throttler: the throttlers are defined in
 * throttlers.ts, counted in throttler-storage.ts. Runs after authentication, so a signed-in
 * caller is counted by user and plan (enterprise: unlimited), an API key by key and by owner,
 * anyone else by IP. `req.ip` is the socket address unless TRUST_PROXY says how many proxies to
 * believe, so a forged X-Forwarded-For never changes the key. Routes marked
 * `@Throttle({ <policy>: FROM_CONFIG })` also spend a stricter per-IP budget.
 * This subclass keeps the project's contract: the `RateLimit-*` headers of the caller's budget,
 * the standard 429 body with `Retry-After`, a RATE_LIMITED event. If the store (Redis) is
 * unreachable, public routes (login, register, refresh: what attackers hammer) fail closed with
 * 503, while signed-in routes keep serving, counted against the same budgets in this instance's
 * memory until Redis is back.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger('RateLimit');
  /** Per-instance counters for signed-in routes while the shared store is unreachable. */
  private readonly fallback = new MemoryCounterStorage();
  private lastOutageLog = 0;
  private unavailableCount = 0;
  private unavailableSince: number | undefined;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly storage: CounterStorage,
    reflector: Reflector,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {
    super(options, storage, reflector);
  }

  /** The checks run in a fixed order: the key's budget, the caller's, then the route's. */
  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    const rank = (name = '') => THROTTLER_ORDER.indexOf(name as BudgetName);
    this.throttlers.sort((a, b) => rank(a.name) - rank(b.name));
  }

  /** `@SkipThrottle()` takes a route out of every budget, not only the caller's. */
  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    return this.reflector.getAllAndOverride<boolean | undefined>(`${THROTTLER_SKIP}default`, [ctx.getHandler(), ctx.getClass()]) === true;
  }

  protected override async handleRequest({ context, limit, ttl, throttler, blockDuration, getTracker, generateKey }: ThrottlerRequest): Promise<boolean> {
    const { req, res } = this.getRequestResponse(context) as { req: Req; res: Response };
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(req, context), name);
    const record = await this.increment(context, key, ttl, limit, blockDuration, name);
    // A 429 always reports the budget that refused it; otherwise the caller's own budget shows.
    if (record.isBlocked) {
      setRateLimitHeaders(res, limit, record);
      throw this.limited(req, record.timeToBlockExpire);
    }
    if (name === 'apiKey' || (name === 'default' && !req.user?.apiKey)) setRateLimitHeaders(res, limit, record);
    return true;
  }

  /**
   * Failed authentication is not free: a bad token or API key spends the caller's per-IP
   * anonymous budget (guessing credentials gets throttled like any anonymous traffic).
   * Throws 429 once that budget is gone; otherwise returns and the caller answers 401.
   */
  async chargeFailedAuthentication(req: Req, res: Response): Promise<void> {
    const { limit, windowSeconds } = this.config.rateLimit.anonymous;
    const key = budgetKey(this.config.rateLimit.keyPrefix, 'default', ipTracker(req));
    let record: CounterRecord;
    try {
      record = await this.storage.increment(key, windowSeconds * 1000, limit, 0, 'default');
    } catch {
      throw new ServiceUnavailableError();
    }
    if (!record.isBlocked) return;
    setRateLimitHeaders(res, limit, record);
    throw this.limited(req, record.timeToBlockExpire);
  }

  private limited(req: Req, retryAfterSeconds: number): TooManyRequestsError {
    this.audit.record('RATE_LIMITED', { meta: requestMetaOf(req), userId: req.user?.id ?? null, outcome: 'failure', metadata: { path: req.path } });
    return new TooManyRequestsError(retryAfterSeconds);
  }

  /**
   * Counts one hit in the shared store. If the store is unreachable: public routes get 503
   * (fail closed), signed-in routes count the same budget in this instance's memory.
   */
  private async increment(ctx: ExecutionContext, key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<CounterRecord> {
    try {
      const record = await this.storage.increment(key, ttl, limit, blockDuration, name);
      this.unavailableSince = undefined;
      return record;
    } catch (err) {
      this.storeUnavailable(ctx, err);
      return this.fallback.increment(key, ttl, limit, blockDuration);
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
function setRateLimitHeaders(res: Response, limit: number, record: CounterRecord): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - record.totalHits)));
  res.setHeader('RateLimit-Reset', String(record.isBlocked ? record.timeToBlockExpire : record.timeToExpire));
}
