import { HttpStatus } from '@nestjs/common';

export type FieldError = { field: string; message: string };

/**
 * Base class of every error the API answers on purpose. The global filter turns it into the
 * standard body `{ error, requestId, details? }`; anything that is not an AppError becomes a
 * generic 500 whose detail goes to the log only.
 */
export class AppError extends Error {
  constructor(
    readonly status: HttpStatus,
    message: string,
    readonly details?: FieldError[],
    readonly headers?: Record<string, string>,
    /** Extra top-level fields of the error body (e.g. `retryAfter` on a 429). */
    readonly extra?: Record<string, string | number>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends AppError {
  constructor(details: FieldError[], message = 'Validation failed') {
    super(HttpStatus.BAD_REQUEST, message, details);
  }
}

export class BadRequestError extends AppError {
  constructor(message = 'Bad request') {
    super(HttpStatus.BAD_REQUEST, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required') {
    super(HttpStatus.UNAUTHORIZED, message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Access denied') {
    super(HttpStatus.FORBIDDEN, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found') {
    super(HttpStatus.NOT_FOUND, message);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Conflict') {
    super(HttpStatus.CONFLICT, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor() {
    super(HttpStatus.PAYLOAD_TOO_LARGE, 'Request body too large');
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Content-Type must be application/json');
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'Service temporarily unavailable') {
    super(HttpStatus.SERVICE_UNAVAILABLE, message);
  }
}

/** 429 with `Retry-After` and `{ error: 'Too many requests', retryAfter }` (docs/API.md §5). */
export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number) {
    const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
    super(HttpStatus.TOO_MANY_REQUESTS, 'Too many requests', undefined, { 'Retry-After': String(retryAfter) }, { retryAfter });
  }
}
