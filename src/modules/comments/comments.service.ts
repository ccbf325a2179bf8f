import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { ForbiddenError } from '../../common/errors/app-error.js';
import { Paginated } from '../../common/pagination/paginated.js';
import type { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { PostsService } from '../posts/posts.service.js';
import { toCommentResponse } from './comment.mapper.js';
import { CommentPolicy } from './comment.policy.js';
import type { CommentRow } from './comment.select.js';
import { CommentNotFoundError } from './comments.errors.js';
import { CommentsRepository } from './comments.repository.js';
import type { CommentResponseDto } from './dto/comment-response.dto.js';
import type { CreateCommentDto } from './dto/create-comment.dto.js';
import type { UpdateCommentDto } from './dto/update-comment.dto.js';

/**
 * Comments on posts. Every operation first asks PostsService whether the caller may read the
 * post, which answers exactly as GET /posts/:id would (404 for no post, 403 for someone else's
 * draft): a draft's comments, their count and their pages stay as private as the draft.
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly posts: PostsService,
  ) {}

  /** The author is the caller, always (the DTO has no author field). */
  async create(user: AuthUser, postId: string, dto: CreateCommentDto): Promise<CommentResponseDto> {
    await this.posts.readable(user, postId);
    return toCommentResponse(await this.comments.create({ postId, authorId: user.id, content: dto.content }));
  }

  async list(user: AuthUser, postId: string, query: PaginationQueryDto): Promise<Paginated<CommentResponseDto>> {
    await this.posts.readable(user, postId);
    const [rows, total] = await this.comments.listForPost(postId, query.skip, query.limit);
    return new Paginated(rows.map(toCommentResponse), total);
  }

  async update(user: AuthUser, id: string, dto: UpdateCommentDto): Promise<CommentResponseDto> {
    const comment = await this.load(user, id);
    if (!CommentPolicy.canUpdate(user, comment)) throw new ForbiddenError();
    const updated = await this.comments.updateContent(id, dto.content);
    if (!updated) throw new CommentNotFoundError();
    return toCommentResponse(updated);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const comment = await this.load(user, id);
    const post = await this.posts.readable(user, comment.postId);
    if (!CommentPolicy.canDelete(user, comment, post)) throw new ForbiddenError();
    if (!(await this.comments.delete(id))) throw new CommentNotFoundError();
  }

  /** The comment, if it exists and the caller may read its post (else 404, or the post's 403). */
  private async load(user: AuthUser, id: string): Promise<CommentRow> {
    const comment = await this.comments.findById(id);
    if (!comment) throw new CommentNotFoundError();
    await this.posts.readable(user, comment.postId);
    return comment;
  }
}
