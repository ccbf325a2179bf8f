import { Injectable } from '@nestjs/common';
import { ForbiddenError, TooManyRequestsError, type AppError } from '../../../common/errors/app-error.js';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import { AppConfig } from '../../../config/app-config.js';
import { LoginThrottleService } from '../../rate-limit/login-throttle.service.js';
import type { UserCredentialsRow } from '../../users/user.select.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import { PasswordHasherService } from '../password/password-hasher.service.js';
import { RecentAuthenticationRequiredError } from '../auth.errors.js';

/**
 * Sensitive changes ask the caller to prove again who they are, so a stolen access token alone
 * cannot change a password, create a long-lived API key, turn MFA off or delete the account.
 * Wrong passwords here spend the same per-account failure budget as login: guessing the current
 * password through these routes ends in 429, exactly like guessing it at login.
 */
@Injectable()
export class ReauthenticationService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasherService,
    private readonly loginThrottle: LoginThrottleService,
    private readonly config: AppConfig,
  ) {}

  /** The caller's credentials row (a signed-in session only: API keys never re-authenticate). */
  async credentialsOf(caller: AuthUser): Promise<UserCredentialsRow> {
    const user = caller.sessionId ? await this.users.findCredentialsById(caller.id) : null;
    if (!user) throw new ForbiddenError();
    return user;
  }

  /**
   * Checks the current password; a wrong or missing one throws `failure()` and counts a failure.
   * While the account's budget is spent, even the right password gets 429.
   */
  async requirePassword(user: UserCredentialsRow, password: string | undefined, meta: RequestMeta, failure: () => AppError): Promise<void> {
    if (await this.loginThrottle.isAccountLocked(user.email)) throw new TooManyRequestsError(this.config.rateLimit.login.accountLockSeconds);
    // Always one argon2 verification (the dummy hash when the account has no password).
    const valid = await this.hasher.verify(user.passwordHash ?? undefined, password ?? '');
    if (valid && user.passwordHash !== null && password !== undefined) return;
    await this.loginThrottle.recordFailure(meta.ip, user.email, false);
    throw failure();
  }

  /** Whether the caller's session started within RECENT_AUTHENTICATION_SECONDS. */
  isRecent(caller: AuthUser): boolean {
    const started = caller.authenticatedAt?.getTime();
    return started !== undefined && Date.now() - started <= this.config.accounts.recentAuthenticationSeconds * 1000;
  }

  /** A recent sign-in, or else the password (which then must be right). */
  async requireRecentOrPassword(caller: AuthUser, password: string | undefined, meta: RequestMeta, failure: () => AppError): Promise<void> {
    const user = await this.credentialsOf(caller);
    if (password !== undefined) return this.requirePassword(user, password, meta, failure);
    if (!this.isRecent(caller)) throw new RecentAuthenticationRequiredError();
  }
}
