import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpServerLimits } from '../../config/server.config.js';
import { REQUEST_ID_HEADER } from '../request-id/request-id.js';

/**
 * How often Node's HTTP server looks for requests past their time (it reads this when it starts
 * listening; its own default is 30 s, which would let a request overstay its limit by that much).
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
/** After answering a refused request, how long its connection may still deliver what it was sending. */
const LINGER_MS = 2_000;

/** What the parser's refusals become; anything else it refuses is a 400. */
const REFUSALS: Record<string, { status: number; error: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, error: 'Request header fields too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, error: 'Request timeout' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, error: 'Request body too large' },
};

/**
 * The HTTP server's own limits, which come before any middleware (rate limits are only charged
 * once a request is read): a request head must arrive within `headersTimeoutMs` and the whole
 * request within `requestTimeoutMs` (a body dripped a byte at a time is cut, answered 408), an
 * idle keep-alive connection closes after `keepAliveTimeoutMs`, and no more than
 * `maxConnections` are open at once (further ones are closed on arrival).
 * What the parser refuses itself (bad framing, an oversized head, a timeout) gets the standard
 * JSON error body, unless an answer to the same request has already begun.
 */
export function applyServerLimits(server: Server, limits: HttpServerLimits): void {
  server.requestTimeout = limits.requestTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CONNECTIONS_CHECKING_INTERVAL_MS;
  server.on('clientError', answerClientError);
}

const answered = new WeakSet<Socket>();

function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  // A connection that is gone, or whose current answer has begun, is just closed: the same rule
  // as Node's own handler (an earlier answer on a keep-alive connection is finished and gone).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, error } = REFUSALS[err.code ?? ''] ?? { status: 400, error: 'Bad request' };
  const requestId = randomUUID();
  const body = JSON.stringify({ error, requestId });
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      'X-Content-Type-Options: nosniff',
      `${REQUEST_ID_HEADER}: ${requestId}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
  // Read and drop whatever the client is still sending: closing with unread data would reset
  // the connection, and the client would lose the answer. Then close for good.
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.resume();
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}
