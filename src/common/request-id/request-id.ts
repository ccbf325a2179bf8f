import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

type WithId = IncomingMessage & { id?: unknown };

/**
 * The request's id: the client's `X-Request-Id` only if it is a UUID (anything else could carry
 * log-injection payloads), otherwise a fresh one. Set on the response so clients can quote it.
 */
export function assignRequestId(req: WithId, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const offered = req.headers['x-request-id'];
  const id = typeof offered === 'string' && UUID.test(offered) ? offered.toLowerCase() : randomUUID();
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
