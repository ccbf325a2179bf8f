import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { UuidParam } from '../../common/http/uuid-param.js';
import type { Paginated } from '../../common/pagination/paginated.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { CreatePostDto } from './dto/create-post.dto.js';
import { ListPostsQueryDto } from './dto/list-posts-query.dto.js';
import { PostResponseDto } from './dto/post-response.dto.js';
import { UpdatePostDto } from './dto/update-post.dto.js';
import { ConditionalWrite, IfMatch } from './if-match.decorator.js';
import { ETAG_HEADER_DOC, SendsPostETag } from './post-etag.interceptor.js';
import type { VersionPrecondition } from './post.etag.js';
import { PostsService } from './posts.service.js';

@ApiTags('posts')
@Controller({ path: 'posts', version: '1' })
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a post',
    description:
      'Needs `posts:create`; API keys with `posts:write`. The caller is always the author (a body cannot name one). Answers the post with its `ETag`. Refuses an invalid body or unknown field (400).',
  })
  @Authenticated({ permissions: ['posts:create'], apiKeyScope: 'posts:write' })
  @SendsPostETag()
  @ApiCreatedResponse({ type: PostResponseDto, headers: ETAG_HEADER_DOC })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreatePostDto): Promise<PostResponseDto> {
    return this.posts.create(user, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'List posts',
    description:
      "Needs `posts:read:published`; API keys with `posts:read`. Answers published posts plus the caller's own drafts, newest first, optionally searched with `q`, paginated with `X-Total-Count`. Refuses bad or unknown query parameters (400).",
  })
  @Authenticated({ permissions: ['posts:read:published'], apiKeyScope: 'posts:read' })
  @ApiOkResponse({
    type: [PostResponseDto],
    description: 'Published posts and your own drafts',
    headers: { 'X-Total-Count': { description: 'Total matching posts', schema: { type: 'integer', format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991 } } },
  })
  list(@CurrentUser() user: AuthUser, @Query() query: ListPostsQueryDto): Promise<Paginated<PostResponseDto>> {
    return this.posts.list(user, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a post',
    description:
      'A published post needs `posts:read:published`; a draft needs to be its author or `posts:read:any`; API keys with `posts:read`. Answers the post with its `ETag`, or 304 when `If-None-Match` names the current one. Refuses a draft the caller may not read (403 `Access denied`) and an unknown post (404 `Post not found`).',
  })
  @Authenticated({ apiKeyScope: 'posts:read' })
  @SendsPostETag()
  @ApiOkResponse({ type: PostResponseDto, headers: ETAG_HEADER_DOC })
  @ApiNotModifiedResponse({ description: 'If-None-Match names the current ETag: the copy the client holds is current' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Someone else's draft, or a post you may not change" })
  findOne(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<PostResponseDto> {
    return this.posts.findOne(user, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a post',
    description:
      "The author (`posts:update:own`) or `posts:update:any`; API keys with `posts:write`. Send `If-Match` with the `ETag` read to avoid overwriting someone else's change. Refuses an invalid body (400), anyone else (403), an unknown post (404) and a stale `If-Match` (412).",
  })
  @Authenticated({ apiKeyScope: 'posts:write' })
  @SendsPostETag()
  @ConditionalWrite()
  @ApiOkResponse({ type: PostResponseDto, headers: ETAG_HEADER_DOC })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Someone else's draft, or a post you may not change" })
  update(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @IfMatch() expected: VersionPrecondition,
    @Body() dto: UpdatePostDto,
  ): Promise<PostResponseDto> {
    return this.posts.update(user, id, dto, expected);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Delete a post',
    description:
      'The author (`posts:delete:own`) or `posts:delete:any` (moderators, admins); API keys with `posts:write`. `If-Match` is optional and checked when sent. Refuses anyone else (403), an unknown post (404) and a stale `If-Match` (412).',
  })
  @Authenticated({ apiKeyScope: 'posts:write' })
  @ConditionalWrite()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: "Someone else's draft, or a post you may not change" })
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string, @IfMatch() expected: VersionPrecondition): Promise<void> {
    return this.posts.remove(user, id, expected);
  }
}
