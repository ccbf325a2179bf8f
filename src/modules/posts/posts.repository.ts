import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import { Prisma } from '../../generated/prisma/client.js';
import { POST_SELECT, type PostRow } from './post.select.js';

export type PostWrite = { title?: string; content?: string; tags?: string[]; isPublished?: boolean };
type Page = { skip: number; take: number };

/** What a viewer may list: published posts, plus their own drafts. */
const visibleTo = (viewerId: string): Prisma.PostWhereInput => ({ OR: [{ isPublished: true }, { authorId: viewerId }] });

@Injectable()
export class PostsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(authorId: string, data: Required<Pick<PostWrite, 'title' | 'content'>> & PostWrite): Promise<PostRow> {
    return this.prisma.post.create({ data: { ...data, authorId }, select: POST_SELECT });
  }

  findById(id: string): Promise<PostRow | null> {
    return this.prisma.post.findUnique({ where: { id }, select: POST_SELECT });
  }

  update(id: string, data: PostWrite): Promise<PostRow> {
    return this.prisma.post.update({ where: { id }, data, select: POST_SELECT });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.post.delete({ where: { id }, select: { id: true } });
  }

  listVisible(viewerId: string, page: Page): Promise<[PostRow[], number]> {
    const where = visibleTo(viewerId);
    return this.prisma.$transaction([
      this.prisma.post.findMany({ where, select: POST_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...page }),
      this.prisma.post.count({ where }),
    ]);
  }

  /**
   * Full-text search. `q` is bound as a parameter ($queryRaw's tagged template), never spliced
   * into the SQL; websearch_to_tsquery accepts any user text without syntax errors. The tsvector
   * expression matches the GIN index posts_search_idx.
   */
  async searchVisible(viewerId: string, q: string, page: Page): Promise<[PostRow[], number]> {
    const matches = Prisma.sql`
      to_tsvector('english', title || ' ' || content) @@ websearch_to_tsquery('english', ${q})
      AND (is_published OR author_id = ${viewerId}::uuid)`;
    const [rows, counts] = await Promise.all([
      this.prisma.$queryRaw<PostRow[]>`
        SELECT id, author_id AS "authorId", title, content, tags, is_published AS "isPublished",
               created_at AS "createdAt", updated_at AS "updatedAt"
        FROM posts WHERE ${matches}
        ORDER BY created_at DESC, id ASC
        OFFSET ${page.skip} LIMIT ${page.take}`,
      this.prisma.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total FROM posts WHERE ${matches}`,
    ]);
    return [rows, Number(counts[0]?.total ?? 0)];
  }
}
