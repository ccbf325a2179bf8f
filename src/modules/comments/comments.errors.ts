import { NotFoundError } from '../../common/errors/app-error.js';

export class CommentNotFoundError extends NotFoundError {
  constructor() {
    super('Comment not found');
  }
}
