import type { Prisma } from '../../generated/prisma/client.js';

/** Every column a comment answer shows (a comment has no secret column, but rows are never returned as they are). */
export const COMMENT_SELECT = {
  id: true,
  postId: true,
  authorId: true,
  content: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.CommentSelect;

export type CommentRow = Prisma.CommentGetPayload<{ select: typeof COMMENT_SELECT }>;
