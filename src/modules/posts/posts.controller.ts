import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { UuidParam } from '../../common/http/uuid-param.js';
import type { Paginated } from '../../common/pagination/paginated.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Authenticated } from '../authorization/authenticated.decorator.js';
import { CreatePostDto } from './dto/create-post.dto.js';
import { ListPostsQueryDto } from './dto/list-posts-query.dto.js';
import { PostResponseDto } from './dto/post-response.dto.js';
import { UpdatePostDto } from './dto/update-post.dto.js';
import { PostsService } from './posts.service.js';

@ApiTags('posts')
@Controller({ path: 'posts', version: '1' })
export class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Post()
  @Authenticated({ permissions: ['posts:create'], apiKeyScope: 'posts:write' })
  @ApiCreatedResponse({ type: PostResponseDto })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreatePostDto): Promise<PostResponseDto> {
    return this.posts.create(user, dto);
  }

  @Get()
  @Authenticated({ permissions: ['posts:read:published'], apiKeyScope: 'posts:read' })
  @ApiOkResponse({ type: [PostResponseDto], description: 'Published posts and your own drafts' })
  @ApiHeader({ name: 'X-Total-Count', description: 'Total matching posts (response header)' })
  list(@CurrentUser() user: AuthUser, @Query() query: ListPostsQueryDto): Promise<Paginated<PostResponseDto>> {
    return this.posts.list(user, query);
  }

  @Get(':id')
  @Authenticated({ apiKeyScope: 'posts:read' })
  @ApiOkResponse({ type: PostResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  findOne(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<PostResponseDto> {
    return this.posts.findOne(user, id);
  }

  @Patch(':id')
  @Authenticated({ apiKeyScope: 'posts:write' })
  @ApiOkResponse({ type: PostResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  update(@CurrentUser() user: AuthUser, @UuidParam() id: string, @Body() dto: UpdatePostDto): Promise<PostResponseDto> {
    return this.posts.update(user, id, dto);
  }

  @Delete(':id')
  @Authenticated({ apiKeyScope: 'posts:write' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<void> {
    return this.posts.remove(user, id);
  }
}
