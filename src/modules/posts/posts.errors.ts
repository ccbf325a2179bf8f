import { HttpStatus } from '@nestjs/common';
import { AppError, NotFoundError } from '../../common/errors/app-error.js';

export class PostNotFoundError extends NotFoundError {
  constructor() {
    super('Post not found');
  }
}

/** If-Match named another version than the current one: the write would lose someone's update. */
export class PostChangedError extends AppError {
  constructor() {
    super(HttpStatus.PRECONDITION_FAILED, 'Precondition failed: the post has changed since it was read');
  }
}
