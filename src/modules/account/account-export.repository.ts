import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** The most items one collection of an export carries (newest first); `truncated` says when cut. */
export const EXPORT_MAX_ITEMS = 10_000;
/**
 * Post text (titles and contents, in characters) one export carries at most: posts hold up to
 * 50,000 characters each, and the whole answer is built in memory, so a prolific author's export
 * stops at the newest posts within this budget (`truncated`; GET /posts lists the rest).
 */
export const EXPORT_MAX_POST_CHARS = 4_000_000;
const POST_BATCH = 100;

const newestFirst = { orderBy: { createdAt: 'desc' }, take: EXPORT_MAX_ITEMS } as const;
const POST_EXPORT_SELECT = { id: true, title: true, content: true, tags: true, isPublished: true, createdAt: true, updatedAt: true } as const;

/**
 * What an account export reads. Every select names its columns: no password, token, key or code
 * hash, no TOTP secret, is ever read here, so none can reach the export.
 */
@Injectable()
export class AccountExportRepository {
  constructor(private readonly prisma: PrismaService) {}

  async read(userId: string) {
    const [profile, { posts, postsCut }, comments, sessions, apiKeys, linkedIdentities, auditEvents] = await Promise.all([
      this.prisma.user.findUnique({
        where: { id: userId },
        select: { id: true, email: true, name: true, role: true, plan: true, emailVerifiedAt: true, disabledAt: true, mfaEnabled: true, createdAt: true },
      }),
      this.posts(userId),
      this.prisma.comment.findMany({ where: { authorId: userId }, select: { id: true, postId: true, content: true, createdAt: true, updatedAt: true }, ...newestFirst }),
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
    const truncated = postsCut || [comments, sessions, apiKeys, linkedIdentities, auditEvents].some((list) => list.length >= EXPORT_MAX_ITEMS);
    return { profile, posts, comments, sessions, apiKeys, linkedIdentities, auditEvents, truncated };
  }

  /** The author's posts, newest first, in batches, until EXPORT_MAX_POST_CHARS of text. */
  private async posts(authorId: string) {
    const posts: Prisma.PostGetPayload<{ select: typeof POST_EXPORT_SELECT }>[] = [];
    let chars = 0;
    for (let skip = 0; ; skip += POST_BATCH) {
      const batch = await this.prisma.post.findMany({ where: { authorId }, select: POST_EXPORT_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip, take: POST_BATCH });
      for (const post of batch) {
        chars += post.title.length + post.content.length;
        if (chars > EXPORT_MAX_POST_CHARS) return { posts, postsCut: true };
        posts.push(post);
      }
      if (batch.length < POST_BATCH) return { posts, postsCut: false };
    }
  }
}
