import { Injectable } from '@nestjs/common';
import { UnauthorizedError, ValidationFailedError } from '../../../common/errors/app-error.js';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import { AuditService } from '../../audit/audit.service.js';
import { MailService } from '../../mail/mail.service.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthUser } from '../auth-user.js';
import { SessionsService } from '../sessions.service.js';
import { PasswordHasherService } from './password-hasher.service.js';
import { passwordPolicyViolation } from './password-policy.js';

/** Changing one's password needs the current one (a stolen session alone cannot take the account). */
@Injectable()
export class PasswordChangeService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasherService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  async change(caller: AuthUser, currentPassword: string, newPassword: string, meta: RequestMeta): Promise<void> {
    const user = await this.users.findCredentialsById(caller.id);
    if (!user || !(await this.hasher.verify(user.passwordHash, currentPassword))) {
      this.audit.record('PASSWORD_CHANGED', { meta, userId: caller.id, outcome: 'failure' });
      throw new UnauthorizedError('Current password is incorrect');
    }
    const problem = passwordPolicyViolation(newPassword, user.email);
    if (problem) throw new ValidationFailedError([{ field: 'newPassword', message: problem }]);
    await this.users.updatePasswordHash(user.id, await this.hasher.hash(newPassword));
    // Every other session ends; the one making the change stays signed in.
    await this.sessions.revokeAll(user.id, 'password-changed', meta, user.id, caller.sessionId ?? undefined);
    this.audit.record('PASSWORD_CHANGED', { meta, userId: user.id });
    await this.mail.send({
      to: user.email,
      subject: 'Your password was changed',
      text: 'The password of your account was just changed and your other sessions were signed out. If this was not you, reset your password at once.',
    });
  }
}
