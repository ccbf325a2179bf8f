import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Budget } from '../../config/rate-limit.config.js';
import { counterStorage, type CounterRecord, type CounterStorage } from './throttler-storage.js';

/** Where a counter stands: points spent in its window, points left, time until it refills. */
export type LimiterState = { consumedPoints: number; remainingPoints: number; msBeforeNext: number };

/** What `consume()` rejects with when the budget is spent (never an Error: store failures are). */
export class LimitReached implements LimiterState {
  constructor(
    readonly consumedPoints: number,
    readonly remainingPoints: number,
    readonly msBeforeNext: number,
  ) {}
}

/**
 * `budget.limit` points per `budget.windowSeconds` under one key prefix, for the services that
 * count something themselves (MFA failures, reset mails, spent challenges and OAuth states), on
 * the same storage as the request budgets: memory on one instance, Redis (REDIS_URL) shared.
 */
export class Limiter {
  constructor(
    private readonly storage: CounterStorage,
    private readonly keyPrefix: string,
    private readonly budget: Budget,
  ) {}

  get points(): number {
    return this.budget.limit;
  }

  /** Spends a point; rejects with LimitReached past the limit, with the store's error if it fails. */
  async consume(key: string): Promise<LimiterState> {
    const record = await this.storage.increment(this.keyOf(key), this.budget.windowSeconds * 1000, this.budget.limit, 0, this.keyPrefix);
    const state = this.stateOf(record);
    if (record.isBlocked) throw new LimitReached(state.consumedPoints, state.remainingPoints, state.msBeforeNext);
    return state;
  }

  async get(key: string): Promise<LimiterState | null> {
    const record = await this.storage.peek(this.keyOf(key));
    return record ? this.stateOf(record) : null;
  }

  async delete(key: string): Promise<void> {
    await this.storage.reset(this.keyOf(key));
  }

  private keyOf(key: string): string {
    return `${this.keyPrefix}:${key}`;
  }

  private stateOf(record: CounterRecord): LimiterState {
    const seconds = record.isBlocked ? record.timeToBlockExpire : record.timeToExpire;
    return { consumedPoints: record.totalHits, remainingPoints: Math.max(0, this.budget.limit - record.totalHits), msBeforeNext: seconds * 1000 };
  }
}

export function createLimiter(redis: Redis | null, keyPrefix: string, budget: Budget): Limiter {
  return new Limiter(counterStorage(redis), keyPrefix, budget);
}

/** A rejection from `consume()` is either "over the limit" or a store failure. */
export function isOverLimit(rejection: unknown): rejection is LimitReached {
  return rejection instanceof LimitReached;
}

/** Keys never hold raw IPs, emails or ids, only a short hash of them. */
export function hashKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
