import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

export const REDIS = Symbol('REDIS');

/**
 * The shared Redis connection, when REDIS_URL is set (null otherwise). Commands fail fast
 * while Redis is away instead of queueing: a rate limit must answer, not hang.
 */
export const redisProvider = {
  provide: REDIS,
  inject: [AppConfig],
  useFactory: async (config: AppConfig): Promise<Redis | null> => {
    if (!config.rateLimit.redisUrl) return null;
    const logger = new Logger('Redis');
    const redis = new Redis(config.rateLimit.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'Redis connection problem'));
    // Connect before serving, so the first requests do not find the store "unavailable". If Redis
    // is down at boot the app still starts (public routes answer 503, readiness reports it) and
    // keeps reconnecting in the background.
    await redis.connect().catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Redis unreachable at boot'));
    return redis;
  },
};

@Injectable()
export class RedisShutdown implements OnModuleDestroy {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async onModuleDestroy(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
