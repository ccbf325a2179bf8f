import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import { COMMENT_SELECT, type CommentRow } from './comment.select.js';

@Injectable()
export class CommentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { postId: string; authorId: string; content: string }): Promise<CommentRow> {
    return this.prisma.comment.create({ data, select: COMMENT_SELECT });
  }

  findById(id: string): Promise<CommentRow | null> {
    return this.prisma.comment.findUnique({ where: { id }, select: COMMENT_SELECT });
  }

  /** One post's comments, oldest first, and their total: two statements in parallel. */
  async listForPost(postId: string, skip: number, take: number): Promise<[CommentRow[], number]> {
    return Promise.all([
      this.prisma.comment.findMany({ where: { postId }, select: COMMENT_SELECT, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }),
      this.prisma.comment.count({ where: { postId } }),
    ]);
  }

  /** Null when the comment is gone meanwhile. */
  async updateContent(id: string, content: string): Promise<CommentRow | null> {
    const rows = await this.prisma.comment.updateManyAndReturn({ where: { id }, data: { content }, select: COMMENT_SELECT });
    return rows[0] ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.comment.deleteMany({ where: { id } });
    return count === 1;
  }
}
