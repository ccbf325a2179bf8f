import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import { AppConfig } from '../../../config/app-config.js';
import { AccountTokenPurpose } from '../../../generated/prisma/enums.js';
import { AuditService } from '../../audit/audit.service.js';
import { MailService } from '../../mail/mail.service.js';
import { createLimiter, hashKey, isOverLimit, type Limiter } from '../../rate-limit/limiters.js';
import { REDIS } from '../../../redis/redis.provider.js';
import { UsersService } from '../../users/users.service.js';
import { AccountTokensRepository } from '../account-tokens/account-tokens.repository.js';
import type { AcceptedDto } from '../dto/password.dto.js';
import { generateOpaqueToken, hashToken } from '../../../common/crypto/opaque-token.js';
import { InvalidVerificationTokenError } from '../auth.errors.js';

/** The one answer to every resend request, whatever the address. */
export const RESEND_ACCEPTED: AcceptedDto = { message: 'If this address has an account waiting for verification, a new link is on its way.' };

/**
 * Proof that an address belongs to whoever registered it (ASVS 6.4): a mailed link carrying 256
 * random bits, stored only as SHA-256, single use, EMAIL_VERIFICATION_TTL_SECONDS (24 h), and a
 * newer mail cancels the older link. Mails to one address are capped per hour, silently.
 */
@Injectable()
export class EmailVerificationService implements OnModuleInit {
  private readonly logger = new Logger('EmailVerification');
  private mailsPerAddress!: Limiter;

  constructor(
    private readonly tokens: AccountTokensRepository,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    this.mailsPerAddress = createLimiter(this.redis, `${this.config.rateLimit.keyPrefix}:account-mail`, this.config.accounts.mailsPerAddress);
  }

  /** Runs `work` after the response has gone, so neither the answer nor its timing depends on it. */
  afterResponse(what: string, work: () => Promise<void>): void {
    setImmediate(() => {
      work().catch((err: unknown) => this.logger.error({ err: err instanceof Error ? err.message : String(err) }, `${what} failed`));
    });
  }

  /** Spends one of the address's hourly mails; false when they are spent (the mail is dropped). */
  async mayMail(email: string): Promise<boolean> {
    return this.mailsPerAddress.consume(hashKey(email)).then(
      () => true,
      (rejection: unknown) => (isOverLimit(rejection) ? false : Promise.reject(rejection)),
    );
  }

  /** A new link for an unverified account (cancelling the older one), within the mail cap. */
  async sendLink(user: { id: string; email: string }): Promise<void> {
    if (!(await this.mayMail(user.email))) return;
    const token = generateOpaqueToken();
    const ttl = this.config.accounts.emailVerificationTtlSeconds;
    await this.tokens.replace(user.id, AccountTokenPurpose.EMAIL_VERIFICATION, hashToken(token), new Date(Date.now() + ttl * 1000));
    const link = `${this.config.mail.frontendUrl}/verify-email#token=${token}`;
    await this.mail.send({
      to: user.email,
      subject: 'Confirm your email address',
      text: `Someone created an account with this address. If it was you, open this link within ${Math.round(ttl / 3600)} hours to confirm it:\n\n${link}\n\nIf it was not you, do not open it: the link confirms the account with the password its creator chose, and the account cannot be used without it.`,
    });
  }

  /** POST /auth/verify-email/resend: answered at once, identically for every address. */
  resend(email: string): AcceptedDto {
    this.afterResponse('verification resend', async () => {
      const user = await this.users.findCredentialsByEmail(email);
      if (!user || user.emailVerifiedAt || user.disabledAt) return;
      await this.sendLink(user);
    });
    return RESEND_ACCEPTED;
  }

  /** POST /auth/verify-email: spends the token and marks the address verified. */
  async verify(token: string, meta: RequestMeta): Promise<void> {
    const userId = await this.tokens.consume(AccountTokenPurpose.EMAIL_VERIFICATION, hashToken(token));
    if (!userId) throw new InvalidVerificationTokenError();
    await this.users.markEmailVerified(userId);
    this.audit.record('EMAIL_VERIFIED', { meta, userId });
  }
}
