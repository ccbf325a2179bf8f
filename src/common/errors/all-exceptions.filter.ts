import { Catch, Logger, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { assignRequestId } from '../request-id/request-id.js';
import { toAppError } from './error-mapping.js';
import { ErrorObserver } from './error-observer.js';
import { isDatabaseUnavailable } from './prisma-errors.js';

/** Writes the standard error body. Shared with the Express-level error handler in app.setup.ts. */
export function sendError(err: unknown, req: Request, res: Response, logger: Logger): { status: number; message: string } {
  const requestId = assignRequestId(req, res);
  const known = toAppError(err);
  const status = known?.status ?? 500;
  const message = known?.message ?? 'Internal server error';
  if (!known) logger.error({ err, requestId }, 'Unhandled error');
  if (res.headersSent) return { status, message };
  for (const [name, value] of Object.entries(known?.headers ?? {})) res.setHeader(name, value);
  res.status(status).json({
    error: message,
    requestId,
    ...known?.extra,
    ...(known?.details ? { details: known.details } : {}),
  });
  return { status, message };
}

/**
 * The one place errors become responses: typed feature errors, validation, Prisma codes and
 * framework errors map to `{ error, requestId, details? }`; unknown errors become a generic 500
 * with the detail in the log only (no stack, SQL, Prisma code or path ever reaches a client).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() private readonly observer?: ErrorObserver) {}

  private lastOutageLog = 0;

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    this.logDatabaseOutage(err);
    const { status, message } = sendError(err, req, http.getResponse<Response>(), this.logger);
    this.observer?.onErrorAnswered(status, req, message, err);
  }

  /**
   * A request refused because the database cannot be reached shows in the log at most once per
   * 10 s, whether or not a pooled connection was open to notice the loss itself.
   */
  private logDatabaseOutage(err: unknown): void {
    if (!isDatabaseUnavailable(err) || Date.now() - this.lastOutageLog < 10_000) return;
    this.lastOutageLog = Date.now();
    this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'database connection lost: requests answer 503 until it is back');
  }
}
