import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import { Prisma } from '../../generated/prisma/client.js';
import { Role, type Plan } from '../../generated/prisma/enums.js';
import {
  USER_CREDENTIALS_SELECT,
  USER_PROFILE_SELECT,
  type UserCredentialsRow,
  type UserProfileRow,
} from './user.select.js';

/**
 * Serializes every change that can remove an admin (role change, disabling, deletion): two of
 * them racing cannot both see "another admin is left".
 */
const ADMIN_CHANGE_LOCK = 7_020_001;

export type AdminChangeResult = 'changed' | 'not-found' | 'last-admin' | 'actor-not-allowed' | 'self';

/** Who asks (and which roles may manage users), whose role changes, to what. */
export type RoleChange = { actorId: string; managerRoles: readonly Role[]; id: string; role: Role };
export type StatusChange = { actorId: string; managerRoles: readonly Role[]; id: string; disabled: boolean };

type Tx = Prisma.TransactionClient;

/** Exactly UserProfileRow (user.select.ts), for the SQL reads. */
const PROFILE_COLUMNS = Prisma.sql`id, email, name, role::text AS role, plan::text AS plan, email_verified_at AS "emailVerifiedAt",
  disabled_at AS "disabledAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** An admin who is not disabled: the ones who can still manage the system. */
const ACTIVE_ADMIN = { role: Role.admin, disabledAt: null } as const satisfies Prisma.UserWhereInput;

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { email: string; name: string; passwordHash: string | null; emailVerifiedAt: Date | null }): Promise<UserProfileRow> {
    return this.prisma.user.create({ data, select: USER_PROFILE_SELECT });
  }

  /** GET /users/me and /users/:id: a hot read, in SQL like the post reads (docs/BENCHMARKS.md). */
  async findProfile(id: string): Promise<UserProfileRow | null> {
    const rows = await this.prisma.$queryRaw<UserProfileRow[]>`SELECT ${PROFILE_COLUMNS} FROM users WHERE id = ${id}::uuid`;
    return rows[0] ?? null;
  }

  findCredentialsByEmail(email: string): Promise<UserCredentialsRow | null> {
    return this.prisma.user.findUnique({ where: { email }, select: USER_CREDENTIALS_SELECT });
  }

  findCredentialsById(id: string): Promise<UserCredentialsRow | null> {
    return this.prisma.user.findUnique({ where: { id }, select: USER_CREDENTIALS_SELECT });
  }

  /** A rehash with the same password: the credentials themselves did not change. */
  updatePasswordHash(id: string, passwordHash: string): Promise<unknown> {
    return this.prisma.user.update({ where: { id }, data: { passwordHash }, select: { id: true } });
  }

  /**
   * A new password (change or reset): moves the credentials version on, so MFA challenges issued
   * before are refused. A completed reset also proves the address (`verifyEmail`).
   */
  async setPassword(id: string, passwordHash: string, verifyEmail: boolean): Promise<void> {
    const now = new Date();
    await this.prisma.user.update({
      where: { id },
      data: { passwordHash, credentialsChangedAt: now, ...(verifyEmail && { emailVerifiedAt: now }) },
      select: { id: true },
    });
  }

  updatePlan(id: string, plan: Plan): Promise<UserProfileRow> {
    return this.prisma.user.update({ where: { id }, data: { plan }, select: USER_PROFILE_SELECT });
  }

  updateName(id: string, name: string): Promise<UserProfileRow> {
    return this.prisma.user.update({ where: { id }, data: { name }, select: USER_PROFILE_SELECT });
  }

  /** Marks the address proven, once (a later proof keeps the first date). */
  async markEmailVerified(id: string): Promise<void> {
    await this.prisma.user.updateMany({ where: { id, emailVerifiedAt: null }, data: { emailVerifiedAt: new Date() } });
  }

  /** A page and the total, read as the post list is: two statements in parallel, no transaction batch. */
  async list(skip: number, take: number): Promise<[UserProfileRow[], number]> {
    const [rows, counts] = await Promise.all([
      this.prisma.$queryRaw<UserProfileRow[]>`SELECT ${PROFILE_COLUMNS} FROM users ORDER BY created_at ASC, id ASC OFFSET ${skip} LIMIT ${take}`,
      this.prisma.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total FROM users`,
    ]);
    return [rows, Number(counts[0]?.total ?? 0)];
  }

  /**
   * Changes a role and ends every session of that user in one transaction. The last active admin
   * can never be demoted, however many changes race (a lone conditional UPDATE would not do:
   * under READ COMMITTED two of them each still see the other's admin).
   */
  changeRole({ actorId, managerRoles, id, role }: RoleChange): Promise<AdminChangeResult> {
    return this.underAdminLock(actorId, managerRoles, async (tx) => {
      const user = await tx.user.findUnique({ where: { id }, select: { role: true, disabledAt: true } });
      if (!user) return 'not-found';
      if (user.role === Role.admin && !user.disabledAt && role !== Role.admin && (await tx.user.count({ where: ACTIVE_ADMIN })) <= 1) return 'last-admin';
      await tx.user.update({ where: { id }, data: { role }, select: { id: true } });
      await revokeSessions(tx, id, 'role-changed');
      return 'changed';
    });
  }

  /**
   * Disables (every session and API key revoked, outstanding reset and verification links
   * cancelled) or enables again: an account disabled because it was compromised must not get the
   * intruder's keys back when it is enabled. Nobody disables themselves or the last admin.
   */
  changeStatus({ actorId, managerRoles, id, disabled }: StatusChange): Promise<AdminChangeResult> {
    return this.underAdminLock(actorId, managerRoles, async (tx) => {
      const user = await tx.user.findUnique({ where: { id }, select: { id: true, role: true, disabledAt: true } });
      if (!user) return 'not-found';
      if (disabled && user.id === actorId) return 'self';
      if (!disabled) {
        await tx.user.updateMany({ where: { id, disabledAt: { not: null } }, data: { disabledAt: null } });
        return 'changed';
      }
      if (user.role === Role.admin && !user.disabledAt && (await tx.user.count({ where: ACTIVE_ADMIN })) <= 1) return 'last-admin';
      await tx.user.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date() } });
      await revokeSessions(tx, id, 'account-disabled');
      await tx.apiKey.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } });
      await tx.accountToken.updateMany({ where: { userId: id, usedAt: null }, data: { usedAt: new Date() } });
      return 'changed';
    });
  }

  /**
   * Deletes the account and, by cascade, its posts, sessions, refresh tokens, API keys, linked
   * identities, MFA data and mailed tokens. Audit events keep their rows (the security record):
   * they hold the user's id, never its email or name. The last active admin cannot leave.
   */
  deleteAccount(id: string): Promise<'deleted' | 'not-found' | 'last-admin'> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK})`;
      const user = await tx.user.findUnique({ where: { id }, select: { role: true, disabledAt: true } });
      if (!user) return 'not-found';
      if (user.role === Role.admin && !user.disabledAt && (await tx.user.count({ where: ACTIVE_ADMIN })) <= 1) return 'last-admin';
      await tx.user.delete({ where: { id }, select: { id: true } });
      return 'deleted';
    });
  }

  /**
   * Runs `change` under the admin-change lock, after reading the actor's own role and status
   * under it too: an admin demoted or disabled a moment ago cannot finish a change in flight.
   */
  private underAdminLock(actorId: string, managerRoles: readonly Role[], change: (tx: Tx) => Promise<AdminChangeResult>): Promise<AdminChangeResult> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_CHANGE_LOCK})`;
      const actor = await tx.user.findUnique({ where: { id: actorId }, select: { role: true, disabledAt: true } });
      if (!actor || actor.disabledAt || !managerRoles.includes(actor.role)) return 'actor-not-allowed';
      return change(tx);
    });
  }
}

async function revokeSessions(tx: Tx, userId: string, reason: string): Promise<void> {
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
}
