import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import { AppConfig } from '../../../config/app-config.js';
import type { Role } from '../../../generated/prisma/enums.js';
import { AuditService } from '../../audit/audit.service.js';
import { generateOpaqueToken, hashToken } from '../../../common/crypto/opaque-token.js';
import { SessionsRepository, type RefreshTokenLookup } from './sessions.repository.js';
import { CredentialsChangedError, InvalidRefreshTokenError } from '../auth.errors.js';

/** Who signs in, with the credentials version their password, code or identity was checked under. */
export type SignedInUser = { id: string; role: Role; credentialsChangedAt: Date };

export type Rotation = { userId: string; role: Role; sessionId: string; refreshToken: string };

/**
 * Refresh-token sessions (RFC 9700 §4.14.2): opaque 256-bit tokens stored only as SHA-256 hashes,
 * rotated on every use. A rotated-out token presented again means it was stolen (or raced): the
 * whole family is revoked, so the thief and the victim both have to log in again.
 */
@Injectable()
export class RefreshSessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /** A new session for a user whose credentials were just checked at version `credentialsChangedAt`. */
  async start(user: SignedInUser, meta: RequestMeta): Promise<{ sessionId: string; refreshToken: string }> {
    const refreshToken = generateOpaqueToken();
    const now = Date.now();
    const expiresAt = new Date(now + this.config.auth.sessionAbsoluteTtlSeconds * 1000);
    const sessionId = await this.sessions.create({
      userId: user.id,
      credentialsChangedAt: user.credentialsChangedAt,
      userAgent: meta.userAgent,
      ip: meta.ip,
      expiresAt,
      tokenHash: hashToken(refreshToken),
      tokenExpiresAt: this.tokenExpiry(expiresAt),
    });
    if (!sessionId) throw new CredentialsChangedError();
    return { sessionId, refreshToken };
  }

  async rotate(refreshToken: string, meta: RequestMeta): Promise<Rotation> {
    const found = await this.sessions.findRefreshToken(hashToken(refreshToken));
    if (!found) throw new InvalidRefreshTokenError();
    if (found.rotatedAt) return this.reuseDetected(found, meta);
    const { session } = found;
    const now = new Date();
    if (session.revokedAt || session.expiresAt <= now || found.expiresAt <= now) throw new InvalidRefreshTokenError();
    const next = generateOpaqueToken();
    const swapped = await this.sessions.rotate(found.id, session.id, {
      tokenHash: hashToken(next),
      expiresAt: this.tokenExpiry(session.expiresAt),
    });
    if (!swapped) return this.reuseDetected(found, meta);
    this.audit.record('TOKEN_REFRESHED', { meta, userId: session.userId, metadata: { sessionId: session.id } });
    return { userId: session.userId, role: session.user.role, sessionId: session.id, refreshToken: next };
  }

  private async reuseDetected(found: RefreshTokenLookup, meta: RequestMeta): Promise<never> {
    await this.sessions.revoke({ id: found.session.id }, 'refresh-token-reuse');
    this.audit.record('REFRESH_TOKEN_REUSE', {
      meta,
      userId: found.session.userId,
      outcome: 'failure',
      metadata: { sessionId: found.session.id },
    });
    throw new InvalidRefreshTokenError();
  }

  /** Idle lifetime per token, never past the session's absolute lifetime. */
  private tokenExpiry(sessionExpiresAt: Date): Date {
    const idle = Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000;
    return new Date(Math.min(idle, sessionExpiresAt.getTime()));
  }
}
