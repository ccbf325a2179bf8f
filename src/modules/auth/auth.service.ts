import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/http/request-meta.js';
import { AppConfig } from '../../config/app-config.js';
import { isUniqueViolation } from '../../common/errors/prisma-errors.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AccessPatternDetector } from '../detection/access-pattern.detector.js';
import { MailService } from '../mail/mail.service.js';
import { LoginThrottleService } from '../rate-limit/login-throttle.service.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import type { LoginDto } from './dto/login.dto.js';
import type { MfaChallengeDto } from './dto/mfa.dto.js';
import type { AcceptedDto } from './dto/password.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';
import { EmailVerificationService } from './email-verification/email-verification.service.js';
import { PasswordHasherService } from './password/password-hasher.service.js';
import { SessionsService } from './sessions.service.js';
import { MfaChallengeTokenService } from './tokens/mfa-challenge-token.service.js';
import { RefreshSessionsService } from './tokens/refresh-sessions.service.js';
import { TokenIssuerService } from './tokens/token-issuer.service.js';
import { EmailNotVerifiedError, InvalidCredentialsError, InvalidRefreshTokenError } from './auth.errors.js';

/** The one answer to every registration, whatever the address (ASVS 6.3.8: no enumeration). */
export const REGISTRATION_ACCEPTED: AcceptedDto = {
  message: 'Check your inbox: a link to confirm the address is on its way. It is valid for 24 hours.',
};

/** Registration, login, refresh and logout. Tokens and sessions live in ./tokens. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasherService,
    private readonly issuer: TokenIssuerService,
    private readonly challenges: MfaChallengeTokenService,
    private readonly refreshSessions: RefreshSessionsService,
    private readonly sessions: SessionsService,
    private readonly verification: EmailVerificationService,
    private readonly apiKeys: ApiKeysService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly loginThrottle: LoginThrottleService,
    private readonly accessPatterns: AccessPatternDetector,
    private readonly config: AppConfig,
  ) {}

  /**
   * Answers 202 at once with one fixed body; the work happens after the response, so neither the
   * answer nor its timing tells a new address from a taken one. Everyone registers as `user`: the
   * DTO has no role, and unknown fields are refused.
   */
  register(dto: RegisterDto, meta: RequestMeta): AcceptedDto {
    this.verification.afterResponse('registration', () => this.completeRegistration(dto, meta));
    return REGISTRATION_ACCEPTED;
  }

  /**
   * A new address: an unverified account and a verification link. A taken one (verified or not):
   * the account is not touched, and its owner is told someone tried, and how to sign in.
   */
  private async completeRegistration(dto: RegisterDto, meta: RequestMeta): Promise<void> {
    const passwordHash = await this.hasher.hash(dto.password); // for every address: the same work
    const existing = await this.users.findCredentialsByEmail(dto.email);
    const created = existing
      ? null
      : await this.users
          .create({ email: dto.email, name: dto.name, passwordHash, emailVerifiedAt: null })
          .catch((err: unknown) => (isUniqueViolation(err) ? null : Promise.reject(err)));
    if (!created) {
      this.audit.record('USER_REGISTERED', { meta, userId: existing?.id ?? null, outcome: 'failure', metadata: { reason: 'address-taken' } });
      await this.tellOwnerOfAttempt(dto.email, existing ? existing.emailVerifiedAt !== null : true);
      return;
    }
    this.audit.record('USER_REGISTERED', { meta, userId: created.id });
    await this.verification.sendLink(created);
  }

  /**
   * The owner of a taken address learns of the attempt. An account whose address was never
   * confirmed may have been started by someone else, with a password of theirs: its owner is
   * pointed at a password reset (which sets a password only they know and confirms the address),
   * never at a verification link (which would confirm the stranger's password).
   */
  private async tellOwnerOfAttempt(email: string, verified: boolean): Promise<void> {
    if (!(await this.verification.mayMail(email))) return;
    const front = this.config.mail.frontendUrl;
    const how = verified
      ? `To sign in: ${front}/login\nForgot your password? ${front}/forgot-password`
      : `An account with this address was started but the address was never confirmed, so it cannot be used. To take it over with a password only you know (this also confirms the address and signs everyone else out): ${front}/forgot-password`;
    await this.mail.send({
      to: email,
      subject: 'Someone tried to register with your address',
      text: `Someone just tried to create an account with this address, which already has one. Nothing was changed.\n\n${how}\n\nIf it was not you, you can ignore this mail.`,
    });
  }

  async login(dto: LoginDto, meta: RequestMeta): Promise<TokenResponseDto | MfaChallengeDto> {
    await this.loginThrottle.assertIpAllowed(meta.ip);
    const user = await this.users.findCredentialsByEmail(dto.email);
    // Always one argon2 verification, against a dummy hash for unknown emails and accounts with
    // no password: same answer, same time, whether the account exists, is locked or disabled, or
    // the password is wrong (no enumeration).
    const valid = await this.hasher.verify(user?.passwordHash ?? undefined, dto.password);
    const locked = await this.loginThrottle.isAccountLocked(dto.email);
    if (!user?.passwordHash || !valid || locked || user.disabledAt) {
      await this.loginThrottle.recordFailure(meta.ip, dto.email, locked);
      const reason = locked ? 'account-locked' : user?.disabledAt && valid ? 'account-disabled' : undefined;
      this.audit.record('LOGIN_FAILED', { meta, userId: user?.id ?? null, outcome: 'failure', metadata: reason ? { reason } : undefined });
      // Counted for credential-stuffing detection in the background: the answer does not wait.
      void this.accessPatterns.loginFailed(dto.email, meta, user?.id ?? null);
      throw new InvalidCredentialsError();
    }
    // Only the right password learns that the address still needs its link.
    if (this.config.accounts.requireEmailVerification && !user.emailVerifiedAt) {
      this.audit.record('LOGIN_FAILED', { meta, userId: user.id, outcome: 'failure', metadata: { reason: 'email-not-verified' } });
      throw new EmailNotVerifiedError();
    }
    await this.loginThrottle.recordSuccess(dto.email);
    // With MFA on, the password step yields only a 5-minute challenge for /auth/mfa/verify.
    if (user.mfaEnabled) return { mfaRequired: true, mfaToken: this.challenges.issue(user) };
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.updatePasswordHash(user.id, await this.hasher.hash(dto.password));
    }
    this.audit.record('LOGIN_SUCCESS', { meta, userId: user.id });
    return this.issuer.startSession(user, meta);
  }

  async refresh(refreshToken: string | undefined, meta: RequestMeta): Promise<TokenResponseDto> {
    if (!refreshToken) throw new InvalidRefreshTokenError();
    const rotation = await this.refreshSessions.rotate(refreshToken, meta);
    return this.issuer.pair({ id: rotation.userId, role: rotation.role }, rotation.sessionId, rotation.refreshToken);
  }

  logout(user: AuthUser, meta: RequestMeta): Promise<void> {
    return this.sessions.revokeCurrent(user, meta);
  }

  /** Sign out everywhere: every session and every API key (a stolen session leaves nothing behind). */
  async logoutAll(user: AuthUser, meta: RequestMeta): Promise<void> {
    await this.sessions.revokeAll(user.id, 'logout-all', meta);
    await this.apiKeys.revokeAll(user.id, 'logout-all', meta);
  }
}
