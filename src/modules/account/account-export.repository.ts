import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import { USER_PROFILE_SELECT } from '../users/user.select.js';

/** The most items one collection of an export carries (newest first); `truncated` says when cut. */
export const EXPORT_MAX_ITEMS = 10_000;
/**
 * Text (UTF-16 units) one export carries at most, for posts and again for comments: the answer is
 * built in memory, so a prolific author's export stops at the newest items within this budget
 * (`truncated`; GET /posts and the comment lists page through the rest).
 */
export const EXPORT_MAX_TEXT_CHARS = 4_000_000;
const BATCH = 100;

const newestFirst = { orderBy: { createdAt: 'desc' }, take: EXPORT_MAX_ITEMS } as const;
const COMMENT_EXPORT_SELECT = { id: true, postId: true, content: true, createdAt: true, updatedAt: true } as const;
const POST_EXPORT_SELECT = { id: true, title: true, content: true, tags: true, isPublished: true, createdAt: true, updatedAt: true } as const;

/**
 * What an account export reads. Every select names its columns: no password, token, key or code
 * hash, no TOTP secret, is ever read here, so none can reach the export.
 */
@Injectable()
export class AccountExportRepository {
  constructor(private readonly prisma: PrismaService) {}

  async read(userId: string) {
    const [profile, { posts, postsCut }, { comments, commentsCut }, sessions, apiKeys, linkedIdentities, auditEvents] = await Promise.all([
      this.prisma.user.findUnique({
        where: { id: userId },
        select: { ...USER_PROFILE_SELECT, mfaEnabled: true },
      }),
      this.posts(userId),
      this.comments(userId),
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
    const truncated = postsCut || commentsCut || [sessions, apiKeys, linkedIdentities, auditEvents].some((list) => list.length >= EXPORT_MAX_ITEMS);
    return { profile, posts, comments, sessions, apiKeys, linkedIdentities, auditEvents, truncated };
  }

  /** The author's posts, newest first, within EXPORT_MAX_TEXT_CHARS of text. */
  private async posts(authorId: string) {
    const { items, cut } = await newestWithinBudget(
      (skip) => this.prisma.post.findMany({ where: { authorId }, select: POST_EXPORT_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip, take: BATCH }),
      (post) => post.title.length + post.content.length,
    );
    return { posts: items, postsCut: cut };
  }

  /** The author's comments, newest first, within their own EXPORT_MAX_TEXT_CHARS of text. */
  private async comments(authorId: string) {
    const { items, cut } = await newestWithinBudget(
      (skip) => this.prisma.comment.findMany({ where: { authorId }, select: COMMENT_EXPORT_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip, take: BATCH }),
      (comment) => comment.content.length,
    );
    return { comments: items, commentsCut: cut };
  }
}

/** Reads batches (newest first) and keeps items until their text would pass the budget. */
async function newestWithinBudget<T>(batchAt: (skip: number) => Promise<T[]>, charsOf: (item: T) => number): Promise<{ items: T[]; cut: boolean }> {
  const items: T[] = [];
  let chars = 0;
  for (let skip = 0; ; skip += BATCH) {
    const batch = await batchAt(skip);
    for (const item of batch) {
      chars += charsOf(item);
      if (chars > EXPORT_MAX_TEXT_CHARS || items.length >= EXPORT_MAX_ITEMS) return { items, cut: true };
      items.push(item);
    }
    if (batch.length < BATCH) return { items, cut: false };
  }
}
