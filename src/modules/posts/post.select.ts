import type { Prisma } from '../../generated/prisma/client.js';

export const POST_SELECT = {
  id: true,
  authorId: true,
  title: true,
  content: true,
  tags: true,
  isPublished: true,
  version: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.PostSelect;

export type PostRow = Prisma.PostGetPayload<{ select: typeof POST_SELECT }>;
