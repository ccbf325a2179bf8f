import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RedisModule } from '../../redis/redis.module.js';
import { REDIS } from '../../redis/redis.provider.js';
import { throttlerOptions } from './throttlers.js';
import { AuditModule } from '../audit/audit.module.js';

@Module({
  imports: [RedisModule, AuditModule, ThrottlerModule.forRootAsync({ imports: [RedisModule], inject: [AppConfig, REDIS], useFactory: throttlerOptions })],
  providers: [RateLimitGuard, LoginThrottleService],
  exports: [RateLimitGuard, LoginThrottleService],
})
export class RateLimitModule {}
