import { Global, Module } from '@nestjs/common';
import { LoginThrottleService } from './login-throttle.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisModule } from './redis.module.js';

@Global()
@Module({
  imports: [RedisModule],
  providers: [RateLimitGuard, LoginThrottleService],
  exports: [RateLimitGuard, LoginThrottleService],
})
export class RateLimitModule {}
