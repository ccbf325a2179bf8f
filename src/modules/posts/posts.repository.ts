import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { VersionPrecondition } from './post.etag.js';
import { POST_SELECT, type PostRow } from './post.select.js';

export type PostWrite = { title?: string; content?: string; tags?: string[]; isPublished?: boolean };
type Page = { skip: number; take: number };

/**
 * The reads below are the hottest queries of the API, so they are written in SQL ($queryRaw,
 * every value a bound parameter): Prisma's query compiler costs several times the database's own
 * time on a primary-key read (see docs/BENCHMARKS.md). Writes keep the typed client.
 * POST_COLUMNS returns exactly PostRow (post.select.ts).
 */
const POST_COLUMNS = Prisma.sql`id, author_id AS "authorId", title, content, tags, is_published AS "isPublished",
  version, created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * The If-Match check as part of a write's WHERE clause. The check and the write are one
 * statement: a concurrent writer that got there first has changed the version, PostgreSQL
 * re-evaluates the condition on the row it waited for, and the second write matches nothing.
 */
const versionIs = (expected: VersionPrecondition): Prisma.PostWhereInput =>
  expected === 'any' ? {} : { version: { in: [...expected] } };

/** What a viewer may list: published posts, plus their own drafts. */
const visibleTo = (viewerId: string) => Prisma.sql`(is_published OR author_id = ${viewerId}::uuid)`;

@Injectable()
export class PostsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(authorId: string, data: Required<Pick<PostWrite, 'title' | 'content'>> & PostWrite): Promise<PostRow> {
    return this.prisma.post.create({ data: { ...data, authorId }, select: POST_SELECT });
  }

  async findById(id: string): Promise<PostRow | null> {
    const rows = await this.prisma.$queryRaw<PostRow[]>`SELECT ${POST_COLUMNS} FROM posts WHERE id = ${id}::uuid`;
    return rows[0] ?? null;
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`SELECT 1 FROM posts WHERE id = ${id}::uuid`;
    return rows.length > 0;
  }

  /**
   * Updates the post if its version is an expected one, and bumps the version (every write
   * does: the ETag must change with the content). Null: no such post, or another version.
   */
  async updateIfVersion(id: string, data: PostWrite, expected: VersionPrecondition): Promise<PostRow | null> {
    const rows = await this.prisma.post.updateManyAndReturn({
      where: { id, ...versionIs(expected) },
      data: { ...data, version: { increment: 1 } },
      select: POST_SELECT,
    });
    return rows[0] ?? null;
  }

  /** Deletes the post if its version is an expected one. False: no such post, or another version. */
  async deleteIfVersion(id: string, expected: VersionPrecondition): Promise<boolean> {
    const { count } = await this.prisma.post.deleteMany({ where: { id, ...versionIs(expected) } });
    return count === 1;
  }

  /** A page and the total. Two statements in parallel: neither needs the other's snapshot. */
  async listVisible(viewerId: string, page: Page): Promise<[PostRow[], number]> {
    return this.pageAndTotal(visibleTo(viewerId), page);
  }

  /**
   * Full-text search. `q` is bound as a parameter ($queryRaw's tagged template), never spliced
   * into the SQL; websearch_to_tsquery accepts any user text without syntax errors. The tsvector
   * expression matches the GIN index posts_search_idx.
   */
  async searchVisible(viewerId: string, q: string, page: Page): Promise<[PostRow[], number]> {
    const matches = Prisma.sql`
      to_tsvector('english', title || ' ' || content) @@ websearch_to_tsquery('english', ${q})
      AND ${visibleTo(viewerId)}`;
    return this.pageAndTotal(matches, page);
  }

  private async pageAndTotal(where: Prisma.Sql, page: Page): Promise<[PostRow[], number]> {
    const [rows, counts] = await Promise.all([
      this.prisma.$queryRaw<PostRow[]>`
        SELECT ${POST_COLUMNS} FROM posts WHERE ${where}
        ORDER BY created_at DESC, id ASC
        OFFSET ${page.skip} LIMIT ${page.take}`,
      this.prisma.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total FROM posts WHERE ${where}`,
    ]);
    return [rows, Number(counts[0]?.total ?? 0)];
  }
}
