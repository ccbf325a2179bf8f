import { Prisma } from '../generated/prisma/client.js';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from '../common/errors/app-error.js';

/** Prisma codes that mean "the database is unreachable or overloaded", not "your request is wrong". */
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/**
 * Maps Prisma's errors to API errors: P2002 (unique violation) → 409, P2025 (record not found) → 404,
 * connection failures → 503. The Prisma code and SQL never leave the server.
 */
export function mapPrismaError(err: unknown): AppError | undefined {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return new ConflictError('Resource already exists');
    if (err.code === 'P2025') return new NotFoundError();
    if (UNAVAILABLE_CODES.has(err.code)) return new ServiceUnavailableError();
    return undefined;
  }
  if (err instanceof Prisma.PrismaClientInitializationError) return new ServiceUnavailableError();
  return undefined;
}
