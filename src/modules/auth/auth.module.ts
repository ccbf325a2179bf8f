import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { RedisModule } from '../../redis/redis.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { DetectionModule } from '../detection/detection.module.js';
import { MailModule } from '../mail/mail.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { AccountTokensRepository } from './account-tokens/account-tokens.repository.js';
import { EmailVerificationController } from './email-verification/email-verification.controller.js';
import { EmailVerificationService } from './email-verification/email-verification.service.js';
import { ReauthenticationModule } from './reauthentication/reauthentication.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthenticationGuard } from './guards/authentication.guard.js';
import { RefreshCsrfGuard } from './guards/refresh-csrf.guard.js';
import { PasswordResetService } from './password-reset/password-reset.service.js';
import { PasswordChangeService } from './password/password-change.service.js';
import { PasswordController } from './password/password.controller.js';
import { ClearRefreshCookieInterceptor, SetRefreshCookieInterceptor } from './refresh-cookie.js';
import { AdminSessionsController, SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';
import { GoogleAccountsRepository } from './google/google-accounts.repository.js';
import { GoogleAuthGuard } from './google/google-auth.guard.js';
import { GoogleLoginService } from './google/google-login.service.js';
import { GoogleController } from './google/google.controller.js';
import { MfaController } from './mfa/mfa.controller.js';
import { MfaRepository } from './mfa/mfa.repository.js';
import { MfaService } from './mfa/mfa.service.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { MfaChallengeTokenService } from './tokens/mfa-challenge-token.service.js';
import { TokenIssuerService } from './tokens/token-issuer.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { JwksController } from './tokens/jwks.controller.js';
import { RefreshSessionsService } from './tokens/refresh-sessions.service.js';
import { SessionsRepository } from './tokens/sessions.repository.js';
import { SigningKeysService } from './tokens/signing-keys.service.js';

@Module({
  imports: [PassportModule, UsersModule, ApiKeysModule, ReauthenticationModule, AuditModule, DetectionModule, MailModule, RateLimitModule, RedisModule],
  controllers: [AuthController, EmailVerificationController, SessionsController, AdminSessionsController, JwksController, PasswordController, MfaController, GoogleController],
  providers: [
    AuthService,
    AccountTokensRepository,
    EmailVerificationService,
    PasswordResetService,
    PasswordChangeService,
    SigningKeysService,
    AccessTokenService,
    TokenIssuerService,
    MfaChallengeTokenService,
    MfaRepository,
    MfaService,
    GoogleAccountsRepository,
    GoogleLoginService,
    GoogleAuthGuard,
    SessionsRepository,
    RefreshSessionsService,
    SessionsService,
    JwtStrategy,
    AuthenticationGuard,
    RefreshCsrfGuard,
    SetRefreshCookieInterceptor,
    ClearRefreshCookieInterceptor,
  ],
  exports: [MfaService],
})
export class AuthModule {}
