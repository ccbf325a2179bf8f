import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '../../common/errors/app-error.js';

/** One answer for unknown, revoked and expired keys: nothing to learn from the difference. */
export class InvalidApiKeyError extends UnauthorizedError {
  constructor() {
    super('Invalid API key');
  }
}

export class ApiKeyNotFoundError extends NotFoundError {
  constructor() {
    super('API key not found');
  }
}

export class TooManyApiKeysError extends ConflictError {
  constructor(max: number) {
    super(`At most ${max} active API keys per user`);
  }
}

export class ApiKeyExpiryError extends BadRequestError {
  constructor(maxDays: number) {
    super(`expiresAt must be in the future and at most ${maxDays} days away`);
  }
}
