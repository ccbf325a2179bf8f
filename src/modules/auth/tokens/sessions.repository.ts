import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import type { Plan, Role } from '../../../generated/prisma/enums.js';
import { SessionStateCache, type LiveSession } from '../../../database/session-state.cache.js';

export type RefreshTokenLookup = {
  id: string;
  rotatedAt: Date | null;
  expiresAt: Date;
  session: { id: string; userId: string; revokedAt: Date | null; expiresAt: Date; user: { role: Role } };
};

const SESSION_LIST_SELECT = {
  id: true,
  userAgent: true,
  ip: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
} as const satisfies Prisma.SessionSelect;

/** The session's user as of now, and when the session's sign-in happened. */
export type ActiveSessionUser = { role: Role; plan: Plan; startedAt: Date };

export type SessionRow = Prisma.SessionGetPayload<{ select: typeof SESSION_LIST_SELECT }>;

export type NewSession = {
  userId: string;
  /** The user's credentials version the sign-in was checked against. */
  credentialsChangedAt: Date;
  userAgent: string | null;
  ip: string | null;
  expiresAt: Date;
  tokenHash: string;
  tokenExpiresAt: Date;
};

@Injectable()
export class SessionsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly liveSessions: SessionStateCache,
  ) {}

  /**
   * Opens a session with its first refresh token, in one statement, only if the user still has
   * the credentials the sign-in checked and is not disabled: a login that raced a password change,
   * a reset, an account claim, a disabling or a deletion opens nothing (null), so no session
   * outlives the change that should have ended it.
   */
  async create(s: NewSession): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH session AS (
        INSERT INTO sessions (id, user_id, user_agent, ip, expires_at)
        SELECT gen_random_uuid(), u.id, ${s.userAgent}, ${s.ip}, ${s.expiresAt} FROM users u
        WHERE u.id = ${s.userId}::uuid AND u.credentials_changed_at = ${s.credentialsChangedAt} AND u.disabled_at IS NULL
        RETURNING id
      ), token AS (
        INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at)
        SELECT gen_random_uuid(), id, ${s.tokenHash}, ${s.tokenExpiresAt} FROM session
      )
      SELECT id FROM session`;
    return rows[0]?.id ?? null;
  }

  /** The token, its session and the user's role: one join (refresh is a hot path, see docs/BENCHMARKS.md). */
  async findRefreshToken(tokenHash: string): Promise<RefreshTokenLookup | null> {
    const rows = await this.prisma.$queryRaw<
      { id: string; rotatedAt: Date | null; expiresAt: Date; sessionId: string; userId: string; revokedAt: Date | null; sessionExpiresAt: Date; role: Role }[]
    >`
      SELECT t.id, t.rotated_at AS "rotatedAt", t.expires_at AS "expiresAt", s.id AS "sessionId", s.user_id AS "userId",
             s.revoked_at AS "revokedAt", s.expires_at AS "sessionExpiresAt", u.role::text AS role
      FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
      WHERE t.token_hash = ${tokenHash} AND u.disabled_at IS NULL`;
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      rotatedAt: r.rotatedAt,
      expiresAt: r.expiresAt,
      session: { id: r.sessionId, userId: r.userId, revokedAt: r.revokedAt, expiresAt: r.sessionExpiresAt, user: { role: r.role } },
    };
  }

  /**
   * Compare-and-swap rotation: marks the presented token rotated only if nobody has yet, adds its
   * successor and touches the session, in one statement (so atomically, in one round trip). A
   * racing second refresh finds nothing to swap, and adds nothing.
   */
  async rotate(tokenId: string, sessionId: string, next: { tokenHash: string; expiresAt: Date }): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<{ swapped: bigint }[]>`
      WITH swapped AS (
        UPDATE refresh_tokens SET rotated_at = now()
        WHERE id = ${tokenId}::uuid AND session_id = ${sessionId}::uuid AND rotated_at IS NULL
        RETURNING session_id
      ), successor AS (
        INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at)
        SELECT gen_random_uuid(), session_id, ${next.tokenHash}, ${next.expiresAt} FROM swapped
      ), touched AS (
        UPDATE sessions SET last_used_at = now() WHERE id IN (SELECT session_id FROM swapped)
      )
      SELECT count(*) AS swapped FROM swapped`;
    return Number(rows[0]?.swapped ?? 0) === 1;
  }

  /**
   * The per-request revocation check of access tokens: the session's user's current role and plan
   * if the session is alive and belongs to that user, else null. Served from SessionStateCache
   * while its listener is up; otherwise (and on a miss) one primary-key join on the database.
   */
  async activeSessionUser(sessionId: string, userId: string): Promise<ActiveSessionUser | null> {
    const cached = this.liveSessions.get(sessionId);
    if (cached) return cached.userId === userId ? cached : null;
    const generation = this.liveSessions.snapshot();
    // A disabled user has no live session, whatever its row says (disabling revokes them too).
    const rows = await this.prisma.$queryRaw<LiveSession[]>`
      SELECT s.user_id AS "userId", s.expires_at AS "expiresAt", s.created_at AS "startedAt", u.role::text AS role, u.plan::text AS plan
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${sessionId}::uuid AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`;
    const live = rows[0];
    if (!live) return null;
    this.liveSessions.remember(sessionId, live, generation);
    return live.userId === userId ? live : null;
  }

  async revoke(where: Prisma.SessionWhereInput, reason: string): Promise<number> {
    const result = await this.prisma.session.updateMany({
      where: { ...where, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    // The next request on this instance must already be refused, not only after the notice lands.
    if (result.count > 0) await this.liveSessions.settle();
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
