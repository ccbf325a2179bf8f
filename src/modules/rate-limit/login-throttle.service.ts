import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ServiceUnavailableError, TooManyRequestsError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { createLimiter, hashKey, isOverLimit } from './limiters.js';
import { REDIS } from './redis.provider.js';

/**
 * Brute-force protection for login, counting failures only (successful logins cost nothing):
 *  - per IP: after LOGIN_MAX_FAILURES_PER_IP failures in LOGIN_IP_WINDOW_SECONDS, 429 with
 *    Retry-After, before any password is checked;
 *  - per account (by email, known or not): after LOGIN_MAX_FAILURES_PER_ACCOUNT failures from any
 *    IPs, the account is locked for LOGIN_ACCOUNT_LOCK_SECONDS. A fresh IP does not reset it.
 *    While locked even the right password gets the usual 401, so the lock reveals nothing.
 *    Attempts during the lock are not counted and the lock ends by itself, so an attacker cannot
 *    extend it forever: each new lock costs another round of failures, which the per-IP limit
 *    slows down. Password reset keeps working throughout.
 * If the store (Redis) is down, login fails closed (503) rather than running unprotected.
 */
@Injectable()
export class LoginThrottleService implements OnModuleInit {
  private byIp!: RateLimiterAbstract;
  private byAccount!: RateLimiterAbstract;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    const { maxFailuresPerIp, ipWindowSeconds, maxFailuresPerAccount, accountLockSeconds } = this.config.rateLimit.login;
    this.byIp = createLimiter(this.redis, `${this.config.rateLimit.keyPrefix}:login-ip`, { limit: maxFailuresPerIp, windowSeconds: ipWindowSeconds });
    this.byAccount = createLimiter(this.redis, `${this.config.rateLimit.keyPrefix}:login-account`, { limit: maxFailuresPerAccount, windowSeconds: accountLockSeconds });
  }

  async assertIpAllowed(ip: string | null): Promise<void> {
    const state = await this.guarded(() => this.byIp.get(ipKey(ip)));
    if (state && state.consumedPoints >= this.byIp.points) throw new TooManyRequestsError(state.msBeforeNext / 1000);
  }

  async isAccountLocked(email: string): Promise<boolean> {
    const state = await this.guarded(() => this.byAccount.get(accountKey(email)));
    return !!state && state.consumedPoints >= this.byAccount.points;
  }

  async recordFailure(ip: string | null, email: string, accountLocked: boolean): Promise<void> {
    await this.guarded(async () => {
      await this.spend(this.byIp, ipKey(ip));
      if (accountLocked) return;
      const spent = await this.spend(this.byAccount, accountKey(email));
      // The failure that reaches the limit starts a full lock period, whenever the first one was.
      if (spent >= this.byAccount.points) await this.byAccount.block(accountKey(email), this.config.rateLimit.login.accountLockSeconds);
    });
  }

  async recordSuccess(email: string): Promise<void> {
    await this.guarded(() => this.byAccount.delete(accountKey(email)));
  }

  /** Spends one point; "over the limit" is fine here (we only count), store errors are not. */
  private async spend(limiter: RateLimiterAbstract, key: string): Promise<number> {
    try {
      return (await limiter.consume(key)).consumedPoints;
    } catch (rejection) {
      if (isOverLimit(rejection)) return rejection.consumedPoints;
      throw rejection;
    }
  }

  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch {
      throw new ServiceUnavailableError();
    }
  }
}

const ipKey = (ip: string | null) => hashKey(ip ?? 'unknown');
const accountKey = (email: string) => hashKey(email);
