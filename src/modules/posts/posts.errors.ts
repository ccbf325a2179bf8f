import { NotFoundError } from '../../common/errors/app-error.js';

export class PostNotFoundError extends NotFoundError {
  constructor() {
    super('Post not found');
  }
}
