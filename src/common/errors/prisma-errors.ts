import { Prisma } from '../../generated/prisma/client.js';
import { AppError, ConflictError, NotFoundError, ServiceUnavailableError } from './app-error.js';

/**
 * Prisma codes that mean "the database is unreachable or overloaded", not "your request is wrong".
 * P2028 (transaction API error) included: a connection cut during COMMIT leaves Prisma unable to
 * close the transaction, and the outcome unknown to us, so the client is told to retry later.
 */
const UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/** What @prisma/adapter-pg reports (meta.driverAdapterError.cause.kind) when the server is gone. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * PostgreSQL SQLSTATEs of the same kind: class 08 (connection exception), 57P01..57P05 (server
 * shutting down, crashed, starting up), 53300 (too many connections), 40001/40P01 are not here:
 * they are the request's own conflict and handled where transactions retry.
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0|53300)/;

/** node-postgres errors without a code, thrown as they are when a connection dies or cannot be had. */
const DRIVER_CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection (is )?closed|is not queryable|connect ECONNREFUSED/i;

type AdapterCause = { kind?: string; originalCode?: string };

function adapterCause(err: unknown): AdapterCause | undefined {
  const meta = (err as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta;
  const raw = (err as { name?: string; cause?: AdapterCause }).name === 'DriverAdapterError' ? (err as { cause?: AdapterCause }).cause : undefined;
  return meta?.driverAdapterError?.cause ?? raw;
}

/**
 * True when an error means the database cannot be reached right now (a 503, retry later), as
 * opposed to a bug or a bad request. Covers Prisma's codes, the adapter's causes (raw queries
 * report them under P2010) and the driver's own errors.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError && UNAVAILABLE_CODES.has(err.code)) return true;
  const cause = adapterCause(err);
  if (cause?.kind && UNAVAILABLE_KINDS.has(cause.kind)) return true;
  if (cause?.kind === 'postgres' && cause.originalCode && UNAVAILABLE_SQLSTATE.test(cause.originalCode)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code))) return true;
  return err instanceof Error && DRIVER_CONNECTION_MESSAGES.test(err.message);
}

/**
 * Maps Prisma's errors to API errors: P2002 (unique violation) and P2003 (a referenced row gone)
 * → 409, P2025 (record not found) → 404,
 * the database being unreachable → 503. The Prisma code and SQL never leave the server.
 */
export function mapPrismaError(err: unknown): AppError | undefined {
  if (isDatabaseUnavailable(err)) return new ServiceUnavailableError();
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return new ConflictError('Resource already exists');
    if (err.code === 'P2025') return new NotFoundError();
    // A row the write refers to went away meanwhile (e.g. a sign-in racing the account's deletion).
    if (err.code === 'P2003') return new ConflictError('Resource changed meanwhile, try again');
  }
  return undefined;
}

/** A unique constraint refused the write (P2002): e.g. two registrations of one address racing. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
