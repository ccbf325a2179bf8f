import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '../../common/errors/app-error.js';
import type { RequestMeta } from '../../common/http/request-meta.js';
import { Paginated } from '../../common/pagination/paginated.js';
import type { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { Role, type Plan } from '../../generated/prisma/enums.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { SessionStateCache } from '../auth/tokens/session-state.cache.js';
import { hasPermission } from '../authorization/permissions.js';
import type { PublicUserDto, UserProfileDto } from './dto/user-response.dto.js';
import { toPublicUser, toUserProfile } from './user.mapper.js';
import type { UserCredentialsRow } from './user.select.js';
import { LastAdminError, UserNotFoundError } from './users.errors.js';
import { UsersRepository } from './users.repository.js';

/** The roles that may change roles, from the permission table (checked again under the role-change lock). */
const MANAGER_ROLES = Object.values(Role).filter((role) => hasPermission(role, 'users:manage'));

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly liveSessions: SessionStateCache,
  ) {}

  async create(data: { email: string; name: string; passwordHash: string }): Promise<UserProfileDto> {
    return toUserProfile(await this.users.create(data));
  }

  findCredentialsByEmail(email: string): Promise<UserCredentialsRow | null> {
    return this.users.findCredentialsByEmail(email);
  }

  findCredentialsById(id: string): Promise<UserCredentialsRow | null> {
    return this.users.findCredentialsById(id);
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updatePasswordHash(id, passwordHash);
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
    const result = await this.users.changeRole({ actorId: actor.id, managerRoles: MANAGER_ROLES, id, role });
    if (result === 'actor-not-allowed') throw new ForbiddenError();
    if (result === 'not-found') throw new UserNotFoundError();
    if (result === 'last-admin') throw new LastAdminError();
    await this.liveSessions.settle(); // the user's revoked tokens are refused here from the next request on
    this.audit.record('ROLE_CHANGED', { meta, userId: actor.id, metadata: { targetUserId: id, role } });
    return this.getProfile(id);
  }
}
