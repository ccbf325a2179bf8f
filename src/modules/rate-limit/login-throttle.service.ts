import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ServiceUnavailableError, TooManyRequestsError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { hashKey } from './limiters.js';
import { REDIS } from '../../redis/redis.provider.js';
import { counterStorage, type CounterStorage } from './throttler-storage.js';

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
 * Counted on the request budgets' storage (throttler-storage.ts). If the store (Redis) is down,
 * login fails closed (503) rather than running unprotected.
 */
@Injectable()
export class LoginThrottleService {
  private readonly storage: CounterStorage;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) redis: Redis | null,
  ) {
    this.storage = counterStorage(redis);
  }

  async assertIpAllowed(ip: string | null): Promise<void> {
    const state = await this.guarded(() => this.storage.peek(this.ipKey(ip)));
    if (state && state.totalHits >= this.config.rateLimit.login.maxFailuresPerIp) throw new TooManyRequestsError(state.timeToExpire);
  }

  async isAccountLocked(email: string): Promise<boolean> {
    const state = await this.guarded(() => this.storage.peek(this.accountKey(email)));
    return !!state?.isBlocked;
  }

  async recordFailure(ip: string | null, email: string, accountLocked: boolean): Promise<void> {
    const { maxFailuresPerIp, ipWindowSeconds, maxFailuresPerAccount, accountLockSeconds } = this.config.rateLimit.login;
    await this.guarded(async () => {
      await this.storage.increment(this.ipKey(ip), ipWindowSeconds * 1000, maxFailuresPerIp, 0, 'login-ip');
      if (accountLocked) return;
      // The failure that reaches the limit (one past limit - 1) starts a full lock period,
      // whenever the first one was; failures during the lock are not counted.
      const lockMs = accountLockSeconds * 1000;
      await this.storage.increment(this.accountKey(email), lockMs, maxFailuresPerAccount - 1, lockMs, 'login-account');
    });
  }

  async recordSuccess(email: string): Promise<void> {
    await this.guarded(() => this.storage.reset(this.accountKey(email)));
  }

  private ipKey(ip: string | null): string {
    return `${this.config.rateLimit.keyPrefix}:login-ip:${hashKey(ip ?? 'unknown')}`;
  }

  private accountKey(email: string): string {
    return `${this.config.rateLimit.keyPrefix}:login-account:${hashKey(email)}`;
  }

  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch {
      throw new ServiceUnavailableError();
    }
  }
}
