import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisModule } from './redis.module.js';
import { REDIS } from './redis.provider.js';
import { throttlerOptions } from './throttlers.js';

@Global()
@Module({
  imports: [RedisModule, ThrottlerModule.forRootAsync({ inject: [AppConfig, REDIS], useFactory: throttlerOptions })],
  providers: [RateLimitGuard, LoginThrottleService],
  exports: [RateLimitGuard, LoginThrottleService],
})
export class RateLimitModule {}
