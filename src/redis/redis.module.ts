import { Module } from '@nestjs/common';
import { REDIS, redisProvider, RedisShutdown } from './redis.provider.js';

/** The one Redis connection (or null without REDIS_URL), for the modules that count in it. */
@Module({
  providers: [redisProvider, RedisShutdown],
  exports: [REDIS],
})
export class RedisModule {}
