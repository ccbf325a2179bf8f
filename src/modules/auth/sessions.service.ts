import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/http/request-meta.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import type { SessionDto } from './dto/session.dto.js';
import { SessionsRepository, type ActiveSessionUser } from './tokens/sessions.repository.js';
import { SessionNotFoundError } from './auth.errors.js';

/** Listing and ending login sessions: the user's own, or any user's for an admin. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
  ) {}

  activeSessionUser(sessionId: string, userId: string): Promise<ActiveSessionUser | null> {
    return this.sessions.activeSessionUser(sessionId, userId);
  }

  async list(user: AuthUser): Promise<SessionDto[]> {
    const rows = await this.sessions.listActive(user.id);
    return rows.map((s) => ({
      id: s.id,
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      current: s.id === user.sessionId,
    }));
  }

  /** Ends one of the caller's sessions; another user's session id is simply not found. */
  async revokeOwn(user: AuthUser, sessionId: string, meta: RequestMeta): Promise<void> {
    const count = await this.sessions.revoke({ id: sessionId, userId: user.id }, 'user-revoked');
    if (count === 0) throw new SessionNotFoundError();
    this.audit.record('SESSIONS_REVOKED', { meta, userId: user.id, metadata: { sessionId } });
  }

  async revokeCurrent(user: AuthUser, meta: RequestMeta): Promise<void> {
    if (!user.sessionId) return;
    await this.sessions.revoke({ id: user.sessionId, userId: user.id }, 'logout');
    this.audit.record('LOGOUT', { meta, userId: user.id, metadata: { sessionId: user.sessionId } });
  }

  /** Ends every session of a user, except `keepSessionId` when given (e.g. the caller's own). */
  async revokeAll(userId: string, reason: string, meta: RequestMeta, actorId = userId, keepSessionId?: string): Promise<number> {
    const count = await this.sessions.revoke(keepSessionId ? { userId, id: { not: keepSessionId } } : { userId }, reason);
    this.audit.record(reason === 'logout-all' ? 'LOGOUT' : 'SESSIONS_REVOKED', {
      meta,
      userId: actorId,
      metadata: { targetUserId: userId, reason, count },
    });
    return count;
  }
}
