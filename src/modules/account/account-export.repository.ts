import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';

/** The most items one collection of an export carries (newest first); `truncated` says when cut. */
export const EXPORT_MAX_ITEMS = 10_000;

const newestFirst = { orderBy: { createdAt: 'desc' }, take: EXPORT_MAX_ITEMS } as const;

/**
 * What an account export reads. Every select names its columns: no password, token, key or code
 * hash, no TOTP secret, is ever read here, so none can reach the export.
 */
@Injectable()
export class AccountExportRepository {
  constructor(private readonly prisma: PrismaService) {}

  async read(userId: string) {
    const [profile, posts, sessions, apiKeys, linkedIdentities, auditEvents] = await Promise.all([
      this.prisma.user.findUnique({
        where: { id: userId },
        select: { id: true, email: true, name: true, role: true, plan: true, emailVerifiedAt: true, disabledAt: true, mfaEnabled: true, createdAt: true },
      }),
      this.prisma.post.findMany({
        where: { authorId: userId },
        select: { id: true, title: true, content: true, tags: true, isPublished: true, createdAt: true, updatedAt: true },
        ...newestFirst,
      }),
      this.prisma.session.findMany({
        where: { userId },
        select: { id: true, userAgent: true, ip: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true, revokedReason: true },
        ...newestFirst,
      }),
      this.prisma.apiKey.findMany({
        where: { userId },
        select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
        ...newestFirst,
      }),
      this.prisma.oAuthAccount.findMany({
        where: { userId },
        select: { issuer: true, subject: true, email: true, createdAt: true },
        ...newestFirst,
      }),
      this.prisma.auditEvent.findMany({
        where: { userId },
        select: { id: true, type: true, outcome: true, ip: true, userAgent: true, requestId: true, metadata: true, createdAt: true },
        ...newestFirst,
      }),
    ]);
    return { profile, posts, sessions, apiKeys, linkedIdentities, auditEvents };
  }
}
