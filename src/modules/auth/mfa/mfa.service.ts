import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import QRCode from 'qrcode';
import { ConflictError, TooManyRequestsError, UnauthorizedError, type AppError } from '../../../common/errors/app-error.js';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import { AppConfig } from '../../../config/app-config.js';
import { AuditService } from '../../audit/audit.service.js';
import { createLimiter, isOverLimit, type Limiter } from '../../rate-limit/limiters.js';
import { REDIS } from '../../../redis/redis.provider.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import type { MfaEnableDto, MfaSetupDto, RecoveryCodesDto } from '../dto/mfa.dto.js';
import type { TokenResponseDto } from '../dto/token-response.dto.js';
import { ReauthenticationService } from '../reauthentication/reauthentication.service.js';
import { SessionsService } from '../sessions.service.js';
import { MfaChallengeTokenService } from '../tokens/mfa-challenge-token.service.js';
import { TokenIssuerService } from '../tokens/token-issuer.service.js';
import { MfaRepository } from './mfa.repository.js';
import { SecretCipher } from './secret-cipher.js';
import { acceptedTotpStep, hashRecoveryCode, isRecoveryCodeShape, newRecoveryCodes, newTotpSecret, otpauthUrl } from './totp.js';
import { InvalidChallengeError, InvalidMfaCodeError } from '../auth.errors.js';

/**
 * TOTP second factor (RFC 6238): setup, enable with a first valid code (which returns ten
 * one-time recovery codes, stored hashed), the login challenge, and disable (password and code).
 * Secrets are encrypted at rest; each code works once; wrong codes are limited per account.
 */
@Injectable()
export class MfaService implements OnModuleInit {
  private cipher!: SecretCipher;
  private failures!: Limiter;
  /** Challenges that completed a login: each works once (remembered for its 5-minute life). */
  private spentChallenges!: Limiter;

  constructor(
    private readonly mfa: MfaRepository,
    private readonly users: UsersService,
    private readonly reauth: ReauthenticationService,
    private readonly challenges: MfaChallengeTokenService,
    private readonly issuer: TokenIssuerService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    this.cipher = new SecretCipher(this.config.mfa.keys, this.config.mfa.activeKeyId);
    const { keyPrefix, mfaFailuresPerAccount } = this.config.rateLimit;
    this.failures = createLimiter(this.redis, `${keyPrefix}:mfa-failures`, mfaFailuresPerAccount);
    this.spentChallenges = createLimiter(this.redis, `${keyPrefix}:mfa-challenges`, { limit: 1, windowSeconds: 300 });
  }

  async setup(caller: AuthUser): Promise<MfaSetupDto> {
    const user = await this.users.findCredentialsById(caller.id);
    if (!user || user.mfaEnabled) throw new ConflictError('MFA is already enabled');
    const secret = newTotpSecret();
    await this.mfa.savePending(user.id, this.cipher.seal(secret, user.id));
    const url = otpauthUrl(secret, this.config.mfa.issuer, user.email);
    return { otpauthUrl: url, qrCodeDataUrl: await QRCode.toDataURL(url) };
  }

  /**
   * Turning MFA on ends every other session, so a stolen access token must not be able to do it
   * (and lock the owner out with the thief's authenticator): its route asks for a recent sign-in
   * or the password (RecentAuthenticationGuard).
   */
  async enable(caller: AuthUser, dto: MfaEnableDto, meta: RequestMeta): Promise<RecoveryCodesDto> {
    const code = dto.code;
    const stored = await this.mfa.find(caller.id);
    if (!stored || stored.enabled) throw new ConflictError('Start with POST /auth/mfa/setup');
    const step = acceptedTotpStep(this.cipher.open(stored, caller.id), code, null);
    if (step === null) throw new InvalidMfaCodeError();
    const recoveryCodes = newRecoveryCodes();
    if (!(await this.mfa.enable(caller.id, step, recoveryCodes.map(hashRecoveryCode)))) throw new ConflictError('MFA is already enabled');
    this.audit.record('MFA_ENABLED', { meta, userId: caller.id });
    // Sessions signed in with the password alone end: from now on every sign-in needs both factors.
    await this.sessions.revokeAll(caller.id, 'mfa-enabled', meta, caller.id, caller.sessionId ?? undefined);
    return { recoveryCodes };
  }

  /** Second step of a login: the challenge token and a TOTP or recovery code. */
  async verifyChallenge(mfaToken: string, code: string, meta: RequestMeta, from = 'body.mfaToken'): Promise<TokenResponseDto> {
    const { userId, challengeId, credentialsVersion } = this.challenges.verify(mfaToken, from);
    if ((await this.spentChallenges.get(challengeId))?.consumedPoints) throw new InvalidChallengeError();
    // A password change or reset since the challenge was issued, or a disabled account: refused.
    const user = await this.users.findCredentialsById(userId);
    if (!user || user.disabledAt || user.credentialsChangedAt.getTime() !== credentialsVersion) throw new InvalidChallengeError();
    await this.checkCode(userId, code, meta, () => new InvalidMfaCodeError());
    // A wrong code leaves the challenge usable (typos happen); a completed login spends it.
    const spent = await this.spentChallenges.consume(challengeId).then(() => true, (r: unknown) => (isOverLimit(r) ? false : Promise.reject(r)));
    if (!spent) throw new InvalidChallengeError();
    this.audit.record('LOGIN_SUCCESS', { meta, userId, metadata: { mfa: true } });
    return this.issuer.startSession(user, meta);
  }

  /**
   * Turning the second factor off needs both factors again (a stolen session is not enough). One
   * answer whichever was wrong; a wrong password spends the login failure budget, a wrong code
   * the MFA one.
   */
  async disable(caller: AuthUser, password: string, code: string, meta: RequestMeta): Promise<void> {
    const user = await this.reauth.credentialsOf(caller);
    if (!user.mfaEnabled) throw new ConflictError('MFA is not enabled');
    const failure = () => new UnauthorizedError('Invalid password or code');
    await this.reauth.requirePassword(user, password, meta, failure);
    await this.checkCode(user.id, code, meta, failure);
    await this.mfa.disable(user.id);
    this.audit.record('MFA_DISABLED', { meta, userId: user.id });
  }

  /** The second factor again, for a sensitive change (account deletion). */
  requireCode(userId: string, code: string | undefined, meta: RequestMeta, failure: () => AppError): Promise<void> {
    return this.checkCode(userId, code ?? '', meta, failure);
  }

  /** A valid, unused TOTP code or recovery code; otherwise counts a failure (429 past the limit). */
  private async checkCode(userId: string, code: string, meta: RequestMeta, failure: () => AppError): Promise<void> {
    const state = await this.failures.get(userId);
    if (state && state.consumedPoints >= this.failures.points) throw new TooManyRequestsError(state.msBeforeNext / 1000);
    if (await this.codeIsValid(userId, code)) {
      await this.failures.delete(userId);
      return;
    }
    await this.failures.consume(userId).catch((r: unknown) => (isOverLimit(r) ? undefined : Promise.reject(r)));
    this.audit.record('MFA_FAILED', { meta, userId, outcome: 'failure' });
    throw failure();
  }

  private async codeIsValid(userId: string, code: string): Promise<boolean> {
    if (isRecoveryCodeShape(code)) return this.mfa.useRecoveryCode(userId, hashRecoveryCode(code));
    const stored = await this.mfa.find(userId);
    if (!stored?.enabled) return false;
    const step = acceptedTotpStep(this.cipher.open(stored, userId), code, stored.lastUsedStep);
    return step !== null && (await this.mfa.acceptStep(userId, step));
  }
}
