import { HttpException, HttpStatus } from '@nestjs/common';
import { mapPrismaError } from './prisma-errors.js';
import { AppError, PayloadTooLargeError, BadRequestError, UnsupportedMediaTypeError } from './app-error.js';

/** Fixed, library-free messages: the raw text of framework errors never reaches a client. */
const STATUS_MESSAGES: Partial<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'Bad request',
  [HttpStatus.UNAUTHORIZED]: 'Authentication required',
  [HttpStatus.FORBIDDEN]: 'Access denied',
  [HttpStatus.NOT_FOUND]: 'Not found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'Method not allowed',
  [HttpStatus.CONFLICT]: 'Conflict',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'Request body too large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'Content-Type must be application/json',
  [HttpStatus.TOO_MANY_REQUESTS]: 'Too many requests',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Service temporarily unavailable',
};

/** body-parser's errors carry a `type`; they arrive before any route runs. */
function mapBodyParserError(err: { type?: unknown; status?: unknown }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new BadRequestError('Malformed JSON body');
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError();
    default:
      return typeof err.status === 'number' && err.status >= 400 && err.status < 500
        ? new AppError(err.status, STATUS_MESSAGES[err.status] ?? 'Bad request')
        : undefined;
  }
}

/** Turns anything thrown into an AppError, or undefined for a real internal error (500). */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE
      ? undefined
      : new AppError(status, STATUS_MESSAGES[status] ?? 'Request refused');
  }
  const prisma = mapPrismaError(err);
  if (prisma) return prisma;
  // body-parser's errors (some, like a bad gzip stream, carry only a status): 4xx, never a 500.
  if (err && typeof err === 'object' && ('type' in err || 'status' in err)) return mapBodyParserError(err);
  return undefined;
}
