import type { CommentRow } from './comment.select.js';
import type { CommentResponseDto } from './dto/comment-response.dto.js';

export function toCommentResponse(row: CommentRow): CommentResponseDto {
  return {
    id: row.id,
    postId: row.postId,
    authorId: row.authorId,
    content: row.content,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
