import { Injectable } from '@nestjs/common';
import { UnauthorizedError, ValidationFailedError } from '../../../common/errors/app-error.js';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import { AccountTokenPurpose } from '../../../generated/prisma/enums.js';
import { ApiKeysService } from '../../api-keys/api-keys.service.js';
import { AuditService } from '../../audit/audit.service.js';
import { MailService } from '../../mail/mail.service.js';
import { UsersService } from '../../users/users.service.js';
import { AccountTokensRepository } from '../account-tokens/account-tokens.repository.js';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import type { ChangePasswordDto } from '../dto/password.dto.js';
import { ReauthenticationService } from '../reauthentication/reauthentication.service.js';
import { SessionsService } from '../sessions.service.js';
import { PasswordHasherService } from './password-hasher.service.js';
import { passwordPolicyViolation } from '../../../common/auth/password-policy.js';

/**
 * Changing one's password needs the current one (a stolen session alone cannot take the account;
 * guessing it spends the login failure budget). The change is total: every other session ends,
 * outstanding reset links and MFA challenges die, and with `revokeApiKeys` every API key too.
 */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasherService,
    private readonly reauth: ReauthenticationService,
    private readonly sessions: SessionsService,
    private readonly tokens: AccountTokensRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  async change(caller: AuthUser, dto: ChangePasswordDto, meta: RequestMeta): Promise<void> {
    const user = await this.reauth.credentialsOf(caller);
    await this.reauth.requirePassword(user, dto.currentPassword, meta, () => {
      this.audit.record('PASSWORD_CHANGED', { meta, userId: caller.id, outcome: 'failure' });
      return new UnauthorizedError('Current password is incorrect');
    });
    const problem = passwordPolicyViolation(dto.newPassword, user.email);
    if (problem) throw new ValidationFailedError([{ field: 'newPassword', message: problem }]);
    await this.users.setPassword(user.id, await this.hasher.hash(dto.newPassword));
    await this.tokens.cancelAll(user.id, AccountTokenPurpose.PASSWORD_RESET);
    // Every other session ends; the one making the change stays signed in.
    await this.sessions.revokeAll(user.id, 'password-changed', meta, user.id, caller.sessionId ?? undefined);
    if (dto.revokeApiKeys) await this.apiKeys.revokeAll(user.id, 'password-changed', meta);
    this.audit.record('PASSWORD_CHANGED', { meta, userId: user.id, metadata: { apiKeysRevoked: dto.revokeApiKeys === true } });
    await this.mail.send({
      to: user.email,
      subject: 'Your password was changed',
      text: 'The password of your account was just changed and your other sessions were signed out. If this was not you, reset your password at once.',
    });
  }
}
