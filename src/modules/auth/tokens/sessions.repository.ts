import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import type { Plan, Role } from '../../../generated/prisma/enums.js';

const REFRESH_LOOKUP_SELECT = {
  id: true,
  rotatedAt: true,
  expiresAt: true,
  session: {
    select: { id: true, userId: true, revokedAt: true, expiresAt: true, user: { select: { role: true } } },
  },
} as const satisfies Prisma.RefreshTokenSelect;

export type RefreshTokenLookup = Prisma.RefreshTokenGetPayload<{ select: typeof REFRESH_LOOKUP_SELECT }>;

const SESSION_LIST_SELECT = {
  id: true,
  userAgent: true,
  ip: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
} as const satisfies Prisma.SessionSelect;

export type SessionRow = Prisma.SessionGetPayload<{ select: typeof SESSION_LIST_SELECT }>;

export type NewSession = {
  userId: string;
  userAgent: string | null;
  ip: string | null;
  expiresAt: Date;
  tokenHash: string;
  tokenExpiresAt: Date;
};

@Injectable()
export class SessionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(s: NewSession): Promise<string> {
    const session = await this.prisma.session.create({
      data: {
        userId: s.userId,
        userAgent: s.userAgent,
        ip: s.ip,
        expiresAt: s.expiresAt,
        refreshTokens: { create: { tokenHash: s.tokenHash, expiresAt: s.tokenExpiresAt } },
      },
      select: { id: true },
    });
    return session.id;
  }

  findRefreshToken(tokenHash: string): Promise<RefreshTokenLookup | null> {
    return this.prisma.refreshToken.findUnique({ where: { tokenHash }, select: REFRESH_LOOKUP_SELECT });
  }

  /**
   * Compare-and-swap rotation: marks the presented token rotated only if nobody has yet, and
   * adds its successor, in one transaction. A racing second refresh finds nothing to swap.
   */
  rotate(tokenId: string, sessionId: string, next: { tokenHash: string; expiresAt: Date }): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const swapped = await tx.refreshToken.updateMany({ where: { id: tokenId, rotatedAt: null }, data: { rotatedAt: now } });
      if (swapped.count !== 1) return false;
      await tx.refreshToken.create({ data: { sessionId, ...next }, select: { id: true } });
      await tx.session.update({ where: { id: sessionId }, data: { lastUsedAt: now }, select: { id: true } });
      return true;
    });
  }

  /**
   * The per-request revocation check of access tokens: the session's user's current role and plan
   * if the session is alive and belongs to that user, else null. One primary-key query.
   */
  async activeSessionUser(sessionId: string, userId: string): Promise<{ role: Role; plan: Plan } | null> {
    const s = await this.prisma.session.findUnique({
      where: { id: sessionId },
      select: { userId: true, revokedAt: true, expiresAt: true, user: { select: { role: true, plan: true } } },
    });
    return s && s.userId === userId && s.revokedAt === null && s.expiresAt > new Date() ? s.user : null;
  }

  async revoke(where: Prisma.SessionWhereInput, reason: string): Promise<number> {
    const result = await this.prisma.session.updateMany({
      where: { ...where, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return result.count;
  }

  listActive(userId: string): Promise<SessionRow[]> {
    return this.prisma.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
      select: SESSION_LIST_SELECT,
      orderBy: { lastUsedAt: 'desc' },
    });
  }
}
