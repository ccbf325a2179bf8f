import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TooManyRequestsError, UnauthorizedError } from '../../common/errors/app-error.js';
import type { RequestMeta } from '../../common/http/request-meta.js';
import { AppConfig } from '../../config/app-config.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { MfaService } from '../auth/mfa/mfa.service.js';
import { ReauthenticationService } from '../auth/reauthentication/reauthentication.service.js';
import { MailService } from '../mail/mail.service.js';
import { createLimiter, isOverLimit, type Limiter } from '../rate-limit/limiters.js';
import { REDIS } from '../../redis/redis.provider.js';
import { UserNotFoundError } from '../users/users.errors.js';
import { toUserProfile } from '../users/user.mapper.js';
import { UsersService } from '../users/users.service.js';
import { AccountExportRepository } from './account-export.repository.js';
import type { AccountExportDto, DeleteAccountDto } from './dto/account.dto.js';
import { RecentAuthenticationRequiredError } from '../auth/auth.errors.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * The owner's rights over the account itself: erasure (GDPR art. 17) and portability (art. 20).
 * Both are for a signed-in session only (API keys are refused by the route declaration).
 */
@Injectable()
export class AccountService implements OnModuleInit {
  private exports!: Limiter;

  constructor(
    private readonly users: UsersService,
    private readonly reauth: ReauthenticationService,
    private readonly mfa: MfaService,
    private readonly exportsRepository: AccountExportRepository,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  onModuleInit(): void {
    this.exports = createLimiter(this.redis, `${this.config.rateLimit.keyPrefix}:account-export`, this.config.accounts.exportsPerUser);
  }

  /**
   * Deletes the account after re-authentication: the password (or, for an account without one, a
   * session started in the last 10 minutes), plus a TOTP or recovery code when MFA is on. Every
   * session and API key dies with it on every instance; the audit trail stays.
   */
  async delete(caller: AuthUser, dto: DeleteAccountDto, meta: RequestMeta): Promise<void> {
    const user = await this.reauth.credentialsOf(caller);
    const failure = () => new UnauthorizedError('Invalid password or code');
    if (user.passwordHash !== null) await this.reauth.requirePassword(user, dto.password, meta, failure);
    else if (!this.reauth.isRecent(caller)) throw new RecentAuthenticationRequiredError();
    if (user.mfaEnabled) await this.mfa.requireCode(user.id, dto.code, meta, failure);
    await this.users.deleteAccount(user.id);
    this.audit.record('ACCOUNT_DELETED', { meta, userId: user.id });
    await this.mail.send({
      to: user.email,
      subject: 'Your account was deleted',
      text: 'Your account and everything it held (posts, sessions, API keys, linked sign-ins) were just deleted. If this was not you, contact support at once.',
    });
  }

  /** Everything the account holds, as one JSON document; ACCOUNT_EXPORT_PER_HOUR per user. */
  async export(caller: AuthUser, meta: RequestMeta): Promise<AccountExportDto> {
    await this.exports.consume(caller.id).catch((rejection: unknown) => {
      throw isOverLimit(rejection) ? new TooManyRequestsError(rejection.msBeforeNext / 1000) : rejection;
    });
    const data = await this.exportsRepository.read(caller.id);
    if (!data.profile) throw new UserNotFoundError();
    const { profile } = data;
    this.audit.record('ACCOUNT_EXPORTED', { meta, userId: caller.id });
    return {
      exportedAt: new Date().toISOString(),
      profile: { ...toUserProfile(profile), mfaEnabled: profile.mfaEnabled },
      posts: data.posts.map((p) => ({ ...p, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) })),
      comments: data.comments.map((c) => ({ ...c, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) })),
      sessions: data.sessions.map((s) => ({ ...s, createdAt: iso(s.createdAt), lastUsedAt: iso(s.lastUsedAt), expiresAt: iso(s.expiresAt), revokedAt: iso(s.revokedAt) })),
      apiKeys: data.apiKeys.map((k) => ({ ...k, createdAt: iso(k.createdAt), expiresAt: iso(k.expiresAt), revokedAt: iso(k.revokedAt), lastUsedAt: iso(k.lastUsedAt) })),
      linkedIdentities: data.linkedIdentities.map((i) => ({ ...i, createdAt: iso(i.createdAt) })),
      auditEvents: data.auditEvents.map((e) => ({ ...e, createdAt: iso(e.createdAt) })),
      truncated: data.truncated,
    };
  }
}
