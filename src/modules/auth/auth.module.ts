import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RefreshCsrfGuard } from './guards/refresh-csrf.guard.js';
import { PasswordResetRepository } from './password-reset/password-reset.repository.js';
import { PasswordResetService } from './password-reset/password-reset.service.js';
import { PasswordChangeService } from './password/password-change.service.js';
import { PasswordController } from './password/password.controller.js';
import { PasswordHasherService } from './password/password-hasher.service.js';
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
  imports: [PassportModule, UsersModule, ApiKeysModule],
  controllers: [AuthController, SessionsController, AdminSessionsController, JwksController, PasswordController, MfaController, GoogleController],
  providers: [
    AuthService,
    PasswordHasherService,
    PasswordResetRepository,
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
    JwtAuthGuard,
    RefreshCsrfGuard,
    SetRefreshCookieInterceptor,
    ClearRefreshCookieInterceptor,
  ],
  exports: [JwtAuthGuard, PasswordHasherService, ApiKeysModule],
})
export class AuthModule {}
