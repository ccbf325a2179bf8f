import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Budget } from '../../config/rate-limit.config.js';

/**
 * A counter of `budget.limit` points per `budget.windowSeconds`: in process memory on one
 * instance, in Redis (REDIS_URL) so that every instance shares it.
 */
export function createLimiter(redis: Redis | null, keyPrefix: string, budget: Budget): RateLimiterAbstract {
  const options = { keyPrefix, points: budget.limit, duration: budget.windowSeconds };
  return redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : new RateLimiterMemory(options);
}

/** A rejection from the limiter is either "over the limit" (a RateLimiterRes) or a store failure. */
export function isOverLimit(rejection: unknown): rejection is RateLimiterRes {
  return rejection instanceof RateLimiterRes;
}

/** Keys never hold raw IPs, emails or ids, only a short hash of them. */
export function hashKey(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}
