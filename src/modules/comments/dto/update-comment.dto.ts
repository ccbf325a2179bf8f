import { CreateCommentDto } from './create-comment.dto.js';

/** A comment's content is all there is to change. */
export class UpdateCommentDto extends CreateCommentDto {}
