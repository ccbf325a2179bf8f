import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '../../common/errors/app-error.js';
import type { RequestMeta } from '../../common/http/request-meta.js';
import { Paginated } from '../../common/pagination/paginated.js';
import type { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { Role, type Plan } from '../../generated/prisma/enums.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { SessionStateCache } from '../../database/session-state.cache.js';
import { hasPermission } from '../../common/auth/permissions.js';
import type { PublicUserDto, UserProfileDto, UserStatus } from './dto/user-response.dto.js';
import { toPublicUser, toUserProfile } from './user.mapper.js';
import type { UserCredentialsRow } from './user.select.js';
import { CannotDisableSelfError, LastAdminError, UserNotFoundError } from './users.errors.js';
import { UsersRepository, type AdminChangeResult } from './users.repository.js';

/** The roles that may manage users, from the permission table (checked again under the admin-change lock). */
const MANAGER_ROLES = Object.values(Role).filter((role) => hasPermission(role, 'users:manage'));

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly liveSessions: SessionStateCache,
  ) {}

  /** `passwordHash` null: no usable password (Google). `emailVerifiedAt` null: a link must prove it. */
  async create(data: { email: string; name: string; passwordHash: string | null; emailVerifiedAt: Date | null }): Promise<UserProfileDto> {
    return toUserProfile(await this.users.create(data));
  }

  markEmailVerified(id: string): Promise<void> {
    return this.users.markEmailVerified(id);
  }

  findCredentialsByEmail(email: string): Promise<UserCredentialsRow | null> {
    return this.users.findCredentialsByEmail(email);
  }

  findCredentialsById(id: string): Promise<UserCredentialsRow | null> {
    return this.users.findCredentialsById(id);
  }

  /** The same password, hashed with the current parameters (login re-hashes old hashes). */
  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updatePasswordHash(id, passwordHash);
  }

  /** A new password; `verifyEmail` when a mailed reset link proved the address. */
  setPassword(id: string, passwordHash: string, verifyEmail = false): Promise<void> {
    return this.users.setPassword(id, passwordHash, verifyEmail);
  }

  async getProfile(id: string): Promise<UserProfileDto> {
    const row = await this.users.findProfile(id);
    if (!row) throw new UserNotFoundError();
    return toUserProfile(row);
  }

  async updateName(id: string, name: string): Promise<UserProfileDto> {
    return toUserProfile(await this.users.updateName(id, name));
  }

  /** Full profile for oneself or an admin (users:read:any); public fields for everyone else. */
  async getById(viewer: AuthUser, id: string): Promise<PublicUserDto | UserProfileDto> {
    const row = await this.users.findProfile(id);
    if (!row) throw new UserNotFoundError();
    const full = viewer.id === id || hasPermission(viewer.role, 'users:read:any');
    return full ? toUserProfile(row) : toPublicUser(row);
  }

  async list(query: PaginationQueryDto): Promise<Paginated<UserProfileDto>> {
    const [rows, total] = await this.users.list(query.skip, query.limit);
    return new Paginated(rows.map(toUserProfile), total);
  }

  async changePlan(actor: AuthUser, id: string, plan: Plan, meta: RequestMeta): Promise<UserProfileDto> {
    const profile = toUserProfile(await this.users.updatePlan(id, plan));
    await this.liveSessions.settle(); // the user's next request here already gets the new plan's budget
    this.audit.record('PLAN_CHANGED', { meta, userId: actor.id, metadata: { targetUserId: id, plan } });
    return profile;
  }

  /**
   * A role change ends the user's sessions, so no token keeps a stale role. The actor's right to
   * change roles is checked again at the moment of the change: a request that passed the guard
   * just before its sender was demoted is refused (403), not applied.
   */
  async changeRole(actor: AuthUser, id: string, role: Role, meta: RequestMeta): Promise<UserProfileDto> {
    assertChanged(await this.users.changeRole({ actorId: actor.id, managerRoles: MANAGER_ROLES, id, role }), 'demoted');
    await this.liveSessions.settle(); // the user's revoked tokens are refused here from the next request on
    this.audit.record('ROLE_CHANGED', { meta, userId: actor.id, metadata: { targetUserId: id, role } });
    return this.getProfile(id);
  }

  /**
   * Disabling ends every session at once on every instance (the revocations and the status
   * change are announced through auth_state notices) and refuses the user's API keys and logins
   * until an admin enables the account again. No admin can disable themselves or the last admin.
   */
  async changeStatus(actor: AuthUser, id: string, status: UserStatus, meta: RequestMeta): Promise<UserProfileDto> {
    const disabled = status === 'disabled';
    const result = await this.users.changeStatus({ actorId: actor.id, managerRoles: MANAGER_ROLES, id, disabled });
    if (result === 'self') throw new CannotDisableSelfError();
    assertChanged(result, 'disabled');
    await this.liveSessions.settle();
    this.audit.record(disabled ? 'USER_DISABLED' : 'USER_ENABLED', { meta, userId: actor.id, metadata: { targetUserId: id } });
    return this.getProfile(id);
  }

  /** Deletes the account and everything it owns; the last admin is refused (409). */
  async deleteAccount(id: string): Promise<void> {
    const result = await this.users.deleteAccount(id);
    if (result === 'not-found') throw new UserNotFoundError();
    if (result === 'last-admin') throw new LastAdminError('The last admin cannot delete their account');
    await this.liveSessions.settle(); // every token of the user is refused here from the next request on
  }
}

function assertChanged(result: AdminChangeResult, verb: string): void {
  if (result === 'actor-not-allowed' || result === 'self') throw new ForbiddenError();
  if (result === 'not-found') throw new UserNotFoundError();
  if (result === 'last-admin') throw new LastAdminError(`The last admin cannot be ${verb}`);
}
