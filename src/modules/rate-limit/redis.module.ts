import { Global, Module } from '@nestjs/common';
import { REDIS, redisProvider, RedisShutdown } from './redis.provider.js';

@Global()
@Module({
  providers: [redisProvider, RedisShutdown],
  exports: [REDIS],
})
export class RedisModule {}
