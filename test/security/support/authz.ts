import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { expect } from '@jest/globals';
import request, { type Response } from 'supertest';
import { PrismaService } from '../../../src/database/prisma.service.js';
import { API, bearer, type TestUser } from '../../setup/factories.js';

/** Helpers shared by the authorization suites (API1, API3, API5). */

export const http = (app: INestApplication) => request(app.getHttpServer());

export const prismaOf = (app: INestApplication) => app.get(PrismaService);

/** The standard error body (docs/API.md §1): `{ error, requestId }` and nothing else. */
export function expectError(res: Response, status: number, error?: string): void {
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status,
    body: { error: error ?? expect.any(String), requestId: expect.any(String) },
  });
}

/** A 400 validation answer naming `field` in its details. */
export function expectFieldRejected(res: Response, field: string): void {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: 'Validation failed', requestId: expect.any(String), details: expect.any(Array) });
  expect(res.body.details).toContainEqual({ field, message: expect.any(String) });
}

/** A lower-case word that no other post contains, for full-text search (letters only: a single lexeme). */
export function distinctiveWord(): string {
  return `zq${[...randomBytes(10)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
}

/** The id of the session the user's access token belongs to. */
export async function currentSessionId(app: INestApplication, user: TestUser): Promise<string> {
  const res = await http(app).get(`${API}/auth/sessions`).set(bearer(user.accessToken));
  expect(res.status).toBe(200);
  const current = (res.body as { id: string; current: boolean }[]).find((s) => s.current);
  if (!current) throw new Error('no current session in GET /auth/sessions');
  return current.id;
}

/** The exact key set of a public profile (GET /users/:id seen by someone else). */
export const PUBLIC_USER_KEYS = ['createdAt', 'id', 'name'];

export const keysOf = (body: unknown) => Object.keys(body as object).sort();
