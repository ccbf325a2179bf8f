import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import { Role, type Plan } from '../../generated/prisma/enums.js';
import {
  USER_CREDENTIALS_SELECT,
  USER_PROFILE_SELECT,
  type UserCredentialsRow,
  type UserProfileRow,
} from './user.select.js';

/** Serializes every role change: two concurrent demotions cannot both see "another admin left". */
const ROLE_CHANGE_LOCK = 7_020_001;

export type RoleChangeResult = 'changed' | 'not-found' | 'last-admin' | 'actor-not-allowed';

/** Who asks (and which roles may change roles), whose role changes, to what. */
export type RoleChange = { actorId: string; managerRoles: readonly Role[]; id: string; role: Role };

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { email: string; name: string; passwordHash: string }): Promise<UserProfileRow> {
    return this.prisma.user.create({ data, select: USER_PROFILE_SELECT });
  }

  findProfile(id: string): Promise<UserProfileRow | null> {
    return this.prisma.user.findUnique({ where: { id }, select: USER_PROFILE_SELECT });
  }

  findCredentialsByEmail(email: string): Promise<UserCredentialsRow | null> {
    return this.prisma.user.findUnique({ where: { email }, select: USER_CREDENTIALS_SELECT });
  }

  findCredentialsById(id: string): Promise<UserCredentialsRow | null> {
    return this.prisma.user.findUnique({ where: { id }, select: USER_CREDENTIALS_SELECT });
  }

  updatePasswordHash(id: string, passwordHash: string): Promise<unknown> {
    return this.prisma.user.update({ where: { id }, data: { passwordHash }, select: { id: true } });
  }

  updatePlan(id: string, plan: Plan): Promise<UserProfileRow> {
    return this.prisma.user.update({ where: { id }, data: { plan }, select: USER_PROFILE_SELECT });
  }

  updateName(id: string, name: string): Promise<UserProfileRow> {
    return this.prisma.user.update({ where: { id }, data: { name }, select: USER_PROFILE_SELECT });
  }

  async list(skip: number, take: number): Promise<[UserProfileRow[], number]> {
    return this.prisma.$transaction([
      this.prisma.user.findMany({ select: USER_PROFILE_SELECT, orderBy: { createdAt: 'asc' }, skip, take }),
      this.prisma.user.count(),
    ]);
  }

  /**
   * Changes a role and ends every session of that user in one transaction, under a lock that
   * every role change takes, so each one reads what the previous one committed. The last admin
   * can never be demoted, however many demotions race (a lone conditional UPDATE would not do:
   * under READ COMMITTED two of them each still see the other's admin). The actor's own role is
   * read under the lock too: an admin demoted a moment ago cannot finish a change already in flight.
   */
  changeRole({ actorId, managerRoles, id, role }: RoleChange): Promise<RoleChangeResult> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROLE_CHANGE_LOCK})`;
      const actor = await tx.user.findUnique({ where: { id: actorId }, select: { role: true } });
      if (!actor || !managerRoles.includes(actor.role)) return 'actor-not-allowed';
      const user = await tx.user.findUnique({ where: { id }, select: { role: true } });
      if (!user) return 'not-found';
      if (user.role === Role.ADMIN && role !== Role.ADMIN) {
        const admins = await tx.user.count({ where: { role: Role.ADMIN } });
        if (admins <= 1) return 'last-admin';
      }
      await tx.user.update({ where: { id }, data: { role }, select: { id: true } });
      await tx.session.updateMany({
        where: { userId: id, revokedAt: null },
        data: { revokedAt: new Date(), revokedReason: 'role-changed' },
      });
      return 'changed';
    });
  }
}
