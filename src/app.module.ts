import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import { PaginationInterceptor } from './common/pagination/pagination.interceptor.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { AccountModule } from './modules/account/account.module.js';
import { ApiKeysModule } from './modules/api-keys/api-keys.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { AuthenticationGuard } from './modules/auth/guards/authentication.guard.js';
import { RecentAuthenticationGuard } from './modules/auth/guards/recent-authentication.guard.js';
import { ReauthenticationModule } from './modules/auth/reauthentication/reauthentication.module.js';
import { AuthorizationModule } from './modules/authorization/authorization.module.js';
import { CommentsModule } from './modules/comments/comments.module.js';
import { DetectionModule } from './modules/detection/detection.module.js';
import { PermissionsGuard } from './modules/authorization/permissions.guard.js';
import { HealthModule } from './modules/health/health.module.js';
import { MailModule } from './modules/mail/mail.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { PostsModule } from './modules/posts/posts.module.js';
import { RateLimitGuard } from './modules/rate-limit/rate-limit.guard.js';
import { RateLimitModule } from './modules/rate-limit/rate-limit.module.js';
import { UsersModule } from './modules/users/users.module.js';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    MetricsModule,
    AuditModule,
    DetectionModule,
    MailModule,
    RateLimitModule,
    AuthorizationModule,
    AuthModule,
    ReauthenticationModule,
    UsersModule,
    ApiKeysModule,
    AccountModule,
    PostsModule,
    CommentsModule,
    HealthModule,
  ],
  providers: [
    // Order matters: authenticate (deny by default), count the request against the caller's
    // budget (per user once known, else per IP), then check the route's permissions.
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    { provide: APP_GUARD, useClass: PermissionsGuard },
    // ...and, on routes that ask for it, a recent sign-in or the password again.
    { provide: APP_GUARD, useClass: RecentAuthenticationGuard },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_INTERCEPTOR, useClass: PaginationInterceptor },
  ],
})
export class AppModule {}
