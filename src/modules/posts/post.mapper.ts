import type { PostResponseDto } from './dto/post-response.dto.js';
import type { PostRow } from './post.select.js';

export function toPostResponse(row: PostRow): PostResponseDto {
  return {
    id: row.id,
    authorId: row.authorId,
    title: row.title,
    content: row.content,
    tags: row.tags,
    isPublished: row.isPublished,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
