import { ConflictError, NotFoundError } from '../../common/errors/app-error.js';

export class UserNotFoundError extends NotFoundError {
  constructor() {
    super('User not found');
  }
}

export class LastAdminError extends ConflictError {
  constructor(message = 'The last admin cannot be demoted') {
    super(message);
  }
}

export class CannotDisableSelfError extends ConflictError {
  constructor() {
    super('Admins cannot disable their own account');
  }
}
