import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '../../common/errors/app-error.js';
import { Paginated } from '../../common/pagination/paginated.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import type { CreatePostDto } from './dto/create-post.dto.js';
import type { ListPostsQueryDto } from './dto/list-posts-query.dto.js';
import type { PostResponseDto } from './dto/post-response.dto.js';
import type { UpdatePostDto } from './dto/update-post.dto.js';
import type { VersionPrecondition } from './post.etag.js';
import { toPostResponse } from './post.mapper.js';
import { PostPolicy } from './post.policy.js';
import type { PostRow } from './post.select.js';
import { PostChangedError, PostNotFoundError } from './posts.errors.js';
import { PostsRepository } from './posts.repository.js';

@Injectable()
export class PostsService {
  constructor(private readonly posts: PostsRepository) {}

  /** The author is the caller, always: a body cannot name another author (the DTO has no such field). */
  async create(user: AuthUser, dto: CreatePostDto): Promise<PostResponseDto> {
    return toPostResponse(await this.posts.create(user.id, dto));
  }

  async list(user: AuthUser, query: ListPostsQueryDto): Promise<Paginated<PostResponseDto>> {
    const page = { skip: query.skip, take: query.limit };
    const [rows, total] = query.q
      ? await this.posts.searchVisible(user.id, query.q, page)
      : await this.posts.listVisible(user.id, page);
    return new Paginated(rows.map(toPostResponse), total);
  }

  async findOne(user: AuthUser, id: string): Promise<PostResponseDto> {
    return toPostResponse(await this.readable(user, id));
  }

  /**
   * The post if the caller may read it, answering exactly as GET /posts/:id does otherwise (404,
   * or 403 for someone else's draft). What hangs off a post (its comments) asks here first.
   */
  async readable(user: AuthUser, id: string): Promise<PostRow> {
    const post = await this.load(id);
    if (!PostPolicy.canRead(user, post)) throw new ForbiddenError();
    return post;
  }

  /**
   * Permission first, precondition second (RFC 9110 §13.2.2): someone who may not write the post
   * gets the same 403/404 whatever If-Match they send, so it tells them nothing about versions.
   * The ownership check may run on a read: the author of a post never changes.
   */
  async update(user: AuthUser, id: string, dto: UpdatePostDto, expected: VersionPrecondition): Promise<PostResponseDto> {
    const post = await this.load(id);
    if (!PostPolicy.canUpdate(user, post)) throw new ForbiddenError();
    const updated = await this.posts.updateIfVersion(id, dto, expected);
    if (!updated) throw await this.writeRefused(id);
    return toPostResponse(updated);
  }

  async remove(user: AuthUser, id: string, expected: VersionPrecondition): Promise<void> {
    const post = await this.load(id);
    if (!PostPolicy.canDelete(user, post)) throw new ForbiddenError();
    if (!(await this.posts.deleteIfVersion(id, expected))) throw await this.writeRefused(id);
  }

  /** Why a conditional write matched no row: the post is gone (404) or has another version (412). */
  private async writeRefused(id: string): Promise<PostNotFoundError | PostChangedError> {
    return (await this.posts.exists(id)) ? new PostChangedError() : new PostNotFoundError();
  }

  private async load(id: string): Promise<PostRow> {
    const post = await this.posts.findById(id);
    if (!post) throw new PostNotFoundError();
    return post;
  }
}
