import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ValidationFailedError } from '../../../common/errors/app-error.js';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import { AppConfig } from '../../../config/app-config.js';
import { AuditService } from '../../audit/audit.service.js';
import { MailService } from '../../mail/mail.service.js';
import { createLimiter, hashKey, isOverLimit, type Limiter } from '../../rate-limit/limiters.js';
import { LoginThrottleService } from '../../rate-limit/login-throttle.service.js';
import { REDIS } from '../../../redis/redis.provider.js';
import { UsersService } from '../../users/users.service.js';
import type { AcceptedDto } from '../dto/password.dto.js';
import { PasswordHasherService } from '../password/password-hasher.service.js';
import { passwordPolicyViolation } from '../../../common/auth/password-policy.js';
import { SessionsService } from '../sessions.service.js';
import { AccountTokensRepository } from '../account-tokens/account-tokens.repository.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { AccountTokenPurpose } from '../../../generated/prisma/enums.js';
import { generateOpaqueToken, hashToken } from '../../../common/crypto/opaque-token.js';
import { InvalidResetTokenError } from '../auth.errors.js';

/**
 * Forgot / reset password (OWASP Forgot Password Cheat Sheet). The request is always answered
 * 202 at once and handled afterwards, so known and unknown emails look and time the same. The
 * token is 256 random bits, stored hashed, single-use, 30 minutes, and mailed as a link built
 * from FRONTEND_URL, never from the request's Host header.
 */
@Injectable()
export class PasswordResetService implements OnModuleInit {
  private readonly logger = new Logger('PasswordReset');
  private perAccount!: Limiter;

  constructor(
    private readonly tokens: AccountTokensRepository,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasherService,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
    private readonly loginThrottle: LoginThrottleService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    const { keyPrefix, passwordResetPerAccount } = this.config.rateLimit;
    this.perAccount = createLimiter(this.redis, `${keyPrefix}:reset-account`, passwordResetPerAccount);
  }

  /** Answers at once, identically for every address; the work happens after the response. */
  request(email: string, meta: RequestMeta): AcceptedDto {
    setImmediate(() => {
      this.sendResetLink(email, meta).catch((err: unknown) =>
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'password reset request failed'),
      );
    });
    return { message: 'If an account exists for this address, a reset link is on its way.' };
  }

  private async sendResetLink(email: string, meta: RequestMeta): Promise<void> {
    // Too many requests for one account are dropped silently: no mail flood, no lock, no hint.
    const allowed = await this.perAccount.consume(hashKey(email)).then(() => true, (r: unknown) => (isOverLimit(r) ? false : Promise.reject(r)));
    const user = await this.users.findCredentialsByEmail(email);
    // A disabled account gets no link: only an admin can give it back.
    const usable = allowed && user && !user.disabledAt;
    this.audit.record('PASSWORD_RESET_REQUESTED', { meta, userId: user?.id ?? null, outcome: usable ? 'success' : 'failure' });
    if (!usable) return;
    const token = generateOpaqueToken();
    const { passwordResetTtlSeconds, frontendUrl } = this.config.mail;
    await this.tokens.replace(user.id, AccountTokenPurpose.PASSWORD_RESET, hashToken(token), new Date(Date.now() + passwordResetTtlSeconds * 1000));
    const link = `${frontendUrl}/reset-password#token=${token}`;
    await this.mail.send({
      to: user.email,
      subject: 'Reset your password',
      text: `Someone asked to reset the password of your account. If it was you, open this link within ${passwordResetTtlSeconds / 60} minutes:\n\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.`,
    });
  }

  /**
   * Sets the new password and makes the change total: every session and API key ends, other
   * reset links and MFA challenges die, a login lock lifts, and the owner is told. The link
   * proved the address, so it counts as verified from now on.
   */
  async reset(token: string, password: string, meta: RequestMeta): Promise<void> {
    const userId = await this.tokens.findValid(AccountTokenPurpose.PASSWORD_RESET, hashToken(token));
    const user = userId ? await this.users.findCredentialsById(userId) : null;
    if (!user || user.disabledAt) throw new InvalidResetTokenError();
    // A refused password does not spend the token: the owner can try another one.
    const problem = passwordPolicyViolation(password, user.email);
    if (problem) throw new ValidationFailedError([{ field: 'password', message: problem }]);
    if ((await this.tokens.consume(AccountTokenPurpose.PASSWORD_RESET, hashToken(token))) !== user.id) throw new InvalidResetTokenError();
    await this.users.setPassword(user.id, await this.hasher.hash(password), true);
    await this.tokens.cancelAll(user.id, AccountTokenPurpose.PASSWORD_RESET);
    await this.sessions.revokeAll(user.id, 'password-reset', meta);
    await this.apiKeys.revokeAll(user.id, 'password-reset', meta);
    await this.loginThrottle.recordSuccess(user.email);
    this.audit.record('PASSWORD_RESET_COMPLETED', { meta, userId: user.id });
    await this.mail.send({
      to: user.email,
      subject: 'Your password was reset',
      text: 'The password of your account was just reset: every session was signed out and every API key revoked. If this was not you, contact support at once.',
    });
  }
}
