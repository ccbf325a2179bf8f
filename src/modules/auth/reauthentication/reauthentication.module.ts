import { Module } from '@nestjs/common';
import { RateLimitModule } from '../../rate-limit/rate-limit.module.js';
import { UsersModule } from '../../users/users.module.js';
import { PasswordHasherService } from '../password/password-hasher.service.js';
import { ReauthenticationService } from './reauthentication.service.js';

/**
 * Password checks for signed-in callers, and the one password hasher of the app. Its own module
 * so that API keys (whose creation needs a recent sign-in) can use it without importing AuthModule.
 */
@Module({
  imports: [UsersModule, RateLimitModule],
  providers: [PasswordHasherService, ReauthenticationService],
  exports: [PasswordHasherService, ReauthenticationService],
})
export class ReauthenticationModule {}
