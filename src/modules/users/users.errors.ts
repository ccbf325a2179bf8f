import { ConflictError, NotFoundError } from '../../common/errors/app-error.js';

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('User not found');
  }
}

export class LastAdminError extends ConflictError {
  constructor() {
    super('The last admin cannot be demoted');
  }
}
