import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { UuidParam } from '../../common/http/uuid-param.js';
import type { Paginated } from '../../common/pagination/paginated.js';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import { CommentsService } from './comments.service.js';
import { CommentResponseDto } from './dto/comment-response.dto.js';
import { CreateCommentDto } from './dto/create-comment.dto.js';
import { UpdateCommentDto } from './dto/update-comment.dto.js';

/** Comments on posts: read and added under their post, changed and deleted by their own id. */
@ApiTags('comments')
@Controller({ version: '1' })
export class CommentsController {
  constructor(private readonly comments: CommentsService) {}

  @Post('posts/:postId/comments')
  @ApiOperation({
    summary: 'Comment on a post',
    description:
      'Needs `comments:create` and the right to read the post; API keys with `comments:write`. The caller is the author. Refuses an invalid body (400), a draft the caller may not read (403) and an unknown post (404 `Post not found`).',
  })
  @Authenticated({ permissions: ['comments:create'], apiKeyScope: 'comments:write' })
  @ApiCreatedResponse({ type: CommentResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such post' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Someone else's draft" })
  create(@CurrentUser() user: AuthUser, @UuidParam('postId') postId: string, @Body() dto: CreateCommentDto): Promise<CommentResponseDto> {
    return this.comments.create(user, postId, dto);
  }

  @Get('posts/:postId/comments')
  @ApiOperation({
    summary: 'List the comments of a post',
    description:
      'Needs the right to read the post; API keys with `posts:read`. Answers the comments oldest first, paginated with `X-Total-Count`. Refuses bad query parameters (400), a draft the caller may not read (403) and an unknown post (404).',
  })
  @Authenticated({ permissions: ['posts:read:published'], apiKeyScope: 'posts:read' })
  @ApiOkResponse({
    type: [CommentResponseDto],
    description: 'Oldest first; answers exactly as reading the post would (404, or 403 for a draft)',
    headers: { 'X-Total-Count': { description: 'Comments on the post', schema: { type: 'integer', format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991 } } },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Someone else's draft, or a comment you may not change" })
  list(@CurrentUser() user: AuthUser, @UuidParam('postId') postId: string, @Query() query: PaginationQueryDto): Promise<Paginated<CommentResponseDto>> {
    return this.comments.list(user, postId, query);
  }

  @Patch('comments/:id')
  @ApiOperation({
    summary: 'Edit a comment',
    description:
      "The comment's author (`comments:update:own`) or `comments:update:any`; API keys with `comments:write`. Refuses an invalid body (400), anyone else (403) and an unknown comment (404 `Comment not found`).",
  })
  @Authenticated({ permissions: ['comments:update:own'], apiKeyScope: 'comments:write' })
  @ApiOkResponse({ type: CommentResponseDto, description: "The comment's author, or an admin" })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Someone else's draft, or a comment you may not change" })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdateCommentDto): Promise<CommentResponseDto> {
    return this.comments.update(user, id, dto);
  }

  @Delete('comments/:id')
  @ApiOperation({
    summary: 'Delete a comment',
    description:
      "The comment's author, the post's author (`comments:delete:own`) or `comments:delete:any` (moderators, admins); API keys with `comments:write`. Refuses anyone else (403) and an unknown comment (404 `Comment not found`).",
  })
  @Authenticated({ permissions: ['comments:delete:own'], apiKeyScope: 'comments:write' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: "The comment's author, the post's author, a moderator or an admin" })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Someone else's draft, or a comment you may not change" })
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.comments.remove(user, id);
  }
}
