import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { beforeAll, describe, expect } from '@jest/globals';
import { PrismaService } from '../../../src/database/prisma.service.js';
import { useTestApp } from '../../setup/create-test-app.js';

/**
 * Helpers for the rate-limit suites (API4, multi-instance): apps that really listen, so requests
 * can come from several loopback source addresses (the whole 127.0.0.0/8 is local on Linux).
 */

export type Reply = { status: number; headers: IncomingHttpHeaders; body: Record<string, unknown>; ms: number };

export type CallOptions = {
  /** Source address of the connection: what the app sees as the client IP (default 127.0.0.1). */
  from?: string;
  /** A forged X-Forwarded-For: the app trusts no proxy, so it must change nothing. */
  forwardedFor?: string;
  token?: string;
  apiKey?: string;
  body?: unknown;
  /** Any other request headers (e.g. If-Match). */
  headers?: Record<string, string>;
};

/**
 * One app for the enclosing `describe`, listening on 127.0.0.1. Unless `env` names one, it gets
 * its own RATE_LIMIT_KEY_PREFIX, so no other app or run (Redis is shared) spends its budgets.
 */
export function useListeningApp(env: Record<string, string> = {}): () => NestExpressApplication {
  const app = useTestApp({ RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix(), ...env });
  beforeAll(async () => {
    await app().listen(0, '127.0.0.1');
  });
  return app;
}

export const uniqueKeyPrefix = () => `test-${randomUUID()}`;

/**
 * Suites of several instances sharing one Redis: they run where REDIS_URL names one (CI sets it;
 * docs/TESTING.md says how); without a Redis server there is nothing for instances to share.
 */
export const describeWithRedis = process.env.REDIS_URL ? describe : describe.skip;

/** A plain node:http request (supertest cannot choose the source address). */
export function call(app: INestApplication, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = {
    ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }),
    ...(options.forwardedFor && { 'x-forwarded-for': options.forwardedFor }),
    ...(options.token && { authorization: `Bearer ${options.token}` }),
    ...(options.apiKey && { 'x-api-key': options.apiKey }),
    ...options.headers,
  };
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, localAddress: options.from ?? '127.0.0.1', agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, ms: performance.now() - started });
        } catch {
          reject(new Error(`${method} ${path}: ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`));
        }
      });
    });
    // A server that answers 413 early may reset the connection while we still write: the answer counts.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    req.end(payload);
  });
}

/** The standard error body (docs/API.md §1), its requestId being the response's X-Request-Id. */
export function expectError(reply: Reply, status: number, error?: string): void {
  expect({ status: reply.status, body: reply.body }).toEqual({ status, body: { error: error ?? expect.any(String), requestId: reply.headers['x-request-id'] } });
}

/** 429 with `Retry-After` (1..maxRetryAfter s) and `{ error: 'Too many requests', requestId, retryAfter }` (docs/API.md §5). */
export function expectTooMany(reply: Reply, maxRetryAfter: number): void {
  const retryAfter = Number(reply.headers['retry-after']);
  expect({ status: reply.status, body: reply.body }).toEqual({
    status: 429,
    body: { error: 'Too many requests', requestId: reply.headers['x-request-id'], retryAfter },
  });
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxRetryAfter);
}

/** `RateLimit-Limit/-Remaining/-Reset` as the IETF draft has them. */
export function expectRateLimitHeaders(reply: Reply, limit: number, remaining: number, windowSeconds: number): void {
  expect({ limit: reply.headers['ratelimit-limit'], remaining: reply.headers['ratelimit-remaining'] }).toEqual({ limit: String(limit), remaining: String(remaining) });
  expect(Number(reply.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(0);
  expect(Number(reply.headers['ratelimit-reset'])).toBeLessThanOrEqual(windowSeconds);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Audit rows are written in the background: poll up to 2 s for the one a request left. */
export async function auditEventOf(app: INestApplication, type: string, requestId: unknown) {
  const prisma = app.get(PrismaService);
  for (let waited = 0; waited <= 2000; waited += 100) {
    const row = await prisma.auditEvent.findFirst({ where: { type, requestId: String(requestId) } });
    if (row) return row;
    await sleep(100);
  }
  return null;
}
