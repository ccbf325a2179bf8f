/**
 * OWASP API4 (unrestricted resource consumption) below the app: the HTTP server's own limits,
 * which hold before any middleware or rate limit runs (a budget is only charged once a request
 * is read). Checklist SRV-01. Raw sockets, since an HTTP client library would neither drip bytes
 * nor send a malformed request.
 */
import net from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { describe, expect, it } from '@jest/globals';
import { API } from '../setup/factories.js';
import { sleep, useListeningApp } from './support/live-app.js';

type RawReply = { status: number; headers: Record<string, string>; body: unknown; answeredMs: number; closedMs: number };

const portOf = (app: NestExpressApplication) => ((app.getHttpServer() as Server).address() as AddressInfo).port;

/**
 * Connects, sends `head`, then `drip` one byte every `dripEveryMs` until the server answers or
 * closes; resolves with the parsed answer and when the answer came and when the connection ended.
 */
function rawExchange(app: NestExpressApplication, head: string | Buffer, drip = '', dripEveryMs = 0): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(portOf(app), '127.0.0.1');
    const chunks: Buffer[] = [];
    let answeredMs = -1;
    let dripper: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      let i = 0;
      if (drip) dripper = setInterval(() => (i < drip.length && socket.writable ? socket.write(drip[i++]!) : clearInterval(dripper)), dripEveryMs);
    });
    socket.on('data', (chunk: Buffer) => {
      if (answeredMs < 0) answeredMs = performance.now() - started;
      chunks.push(chunk);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(dripper);
      const text = Buffer.concat(chunks).toString('utf8');
      const [rawHead = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = rawHead.split('\r\n');
      const status = Number(statusLine.split(' ')[1] ?? 0);
      if (!status) return reject(new Error(`no HTTP answer before the connection closed (${text.slice(0, 100)})`));
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const bodyText = rest.join('\r\n\r\n');
      let body: unknown = bodyText;
      try {
        body = JSON.parse(bodyText);
      } catch {
        // left as text: the assertions say what was expected
      }
      resolve({ status, headers, body, answeredMs, closedMs: performance.now() - started });
    });
  });
}

/** The standard error body (docs/API.md §1), its requestId being the response's X-Request-Id. */
function expectJsonError(reply: RawReply, status: number, error: string): void {
  expect({ status: reply.status, contentType: reply.headers['content-type'], body: reply.body }).toEqual({
    status,
    contentType: 'application/json; charset=utf-8',
    body: { error, requestId: reply.headers['x-request-id'] },
  });
  expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
}

const REQUEST_TIMEOUT_MS = 2_000;
const HEADERS_TIMEOUT_MS = 1_000;
/** Node looks for overdue requests once a second, and the machine may be busy: the slack allowed. */
const CHECK_SLACK_MS = 2_500;

describe('SRV-01 the HTTP server limits slow and malformed requests (security)', () => {
  const app = useListeningApp({ HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) });
  const login = `POST ${API}/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`;

  it('SRV-01 a body dripped one byte at a time is cut at HTTP_REQUEST_TIMEOUT_MS: 408 with the standard body, then the connection closes', async () => {
    const reply = await rawExchange(app(), login, `{"email":"slow@example.com","password":"${'x'.repeat(150)}"}`, 250);
    expectJsonError(reply, 408, 'Request timeout');
    expect(reply.answeredMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(reply.answeredMs).toBeLessThan(REQUEST_TIMEOUT_MS + CHECK_SLACK_MS);
    // The dripping client is given a moment to read the answer, then the connection ends.
    expect(reply.closedMs).toBeLessThan(REQUEST_TIMEOUT_MS + CHECK_SLACK_MS + 2_500);
  });

  it('SRV-01 a request head dripped slowly is cut at HTTP_HEADERS_TIMEOUT_MS with 408', async () => {
    const reply = await rawExchange(app(), `GET ${API}/posts HTTP/1.1\r\nHost: 127.0.0.1\r\n`, 'X-Slow: ' + 'a'.repeat(40), 100);
    expectJsonError(reply, 408, 'Request timeout');
    expect(reply.answeredMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(reply.answeredMs).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_SLACK_MS);
  });

  it.each([
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n'],
    ['two different Content-Length headers', `POST ${API}/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`],
    ['Content-Length with Transfer-Encoding: chunked (smuggling)', `POST ${API}/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`],
    ['a broken chunk size', `POST ${API}/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`],
    ['a header name with a space', `GET ${API}/posts HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n`],
  ])('SRV-01 the parser refuses %s with 400 and the standard JSON body', async (_what, raw) => {
    const reply = await rawExchange(app(), raw);
    expectJsonError(reply, 400, 'Bad request');
  });

  it('SRV-01 a 64 KB header gets 431 with the standard JSON body, not a reset connection', async () => {
    const reply = await rawExchange(app(), `GET ${API}/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'A'.repeat(64 * 1024)}\r\n\r\n`);
    expectJsonError(reply, 431, 'Request header fields too large');
  });

  it('SRV-01 on a keep-alive connection that has been answered before, an oversized head still gets its 431 JSON answer', async () => {
    const text = await new Promise<string>((resolve) => {
      const socket = net.connect(portOf(app()), '127.0.0.1', () => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'));
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        // The first answer is in: the same connection now sends a request whose head is too big.
        if (!received) socket.write(`GET ${API}/posts/${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
        received += chunk.toString('utf8');
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });
    const answers = text.split(/(?=HTTP\/1\.1 \d{3} )/);
    expect(answers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 431']);
    const [head = '', body = ''] = answers[1]!.split('\r\n\r\n');
    expect(head).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n/);
    expect(JSON.parse(body)).toEqual({ error: 'Request header fields too large', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('SRV-01 a well-formed request on the same server is served as usual', async () => {
    const reply = await rawExchange(app(), 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply.status).toBe(200);
  });
});

describe('SRV-01 connections are capped (security)', () => {
  const app = useListeningApp({ HTTP_MAX_CONNECTIONS: '3' });

  it('SRV-01 past HTTP_MAX_CONNECTIONS a new connection is closed at once; once one ends, the next is served', async () => {
    const open = await Promise.all(
      Array.from({ length: 3 }, () => new Promise<net.Socket>((resolve) => {
        const socket = net.connect(portOf(app()), '127.0.0.1', () => resolve(socket));
      })),
    );
    await sleep(100);
    const refused = await new Promise<{ data: number; closedMs: number }>((resolve) => {
      const started = performance.now();
      let data = 0;
      const socket = net.connect(portOf(app()), '127.0.0.1', () => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('data', (chunk: Buffer) => (data += chunk.length));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ data, closedMs: performance.now() - started }));
    });
    expect(refused.data).toBe(0);
    expect(refused.closedMs).toBeLessThan(1_000);

    open[0]!.destroy();
    await sleep(100);
    const served = await rawExchange(app(), 'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(served.status).toBe(200);
    for (const socket of open) socket.destroy();
  });
});

describe('ERR-01 misses under /docs (security)', () => {
  const app = useListeningApp();

  it('ERR-01 a miss under /docs gets the standard JSON 404, not an HTML page', async () => {
    for (const path of ['/docs/no-such-file.js', '/docs/a/b/c', '/docs-json/x']) {
      const reply = await rawExchange(app(), `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expectJsonError(reply, 404, expect.any(String) as unknown as string);
    }
  });
});
