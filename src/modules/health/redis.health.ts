import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { REDIS } from '../../redis/redis.provider.js';

/** Readiness of the shared rate-limit store, when one is configured (REDIS_URL). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly health: HealthIndicatorService,
  ) {}

  get configured(): boolean {
    return this.redis !== null;
  }

  check(timeoutMs = 1_000): PromiseLike<HealthIndicatorResult<'redis'>> {
    return this.health
      .check('redis')
      .attempt(async () => {
        await this.redis?.ping();
      })
      .withTimeout(timeoutMs);
  }
}
