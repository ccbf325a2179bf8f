import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { SessionStateCache } from '../../src/modules/auth/tokens/session-state.cache.js';

export type TestUser = {
  id: string;
  email: string;
  password: string;
  name: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
};

export const API = '/api/v1';

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID()}@example.com`;
}

/** A password long enough for the policy and not a common one. */
export function strongPassword(): string {
  return `Test pass ${randomUUID()}`;
}

export async function login(app: INestApplication, email: string, password: string) {
  const res = await request(app.getHttpServer()).post(`${API}/auth/login`).send({ email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string };
}

/** Registers through the API, sets the role in the database when not `USER`, and logs in. */
export async function createUser(app: INestApplication, role: Role = Role.USER): Promise<TestUser> {
  const email = uniqueEmail(role.toLowerCase());
  const password = strongPassword();
  const name = `Test ${role}`;
  const res = await request(app.getHttpServer()).post(`${API}/auth/register`).send({ email, password, name });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (role !== Role.USER) {
    await app.get(PrismaService).user.update({ where: { id: res.body.id }, data: { role } });
  }
  const tokens = await login(app, email, password);
  return { id: res.body.id, email, password, name, role, ...tokens };
}

export async function createPost(
  app: INestApplication,
  user: TestUser,
  overrides: Partial<{ title: string; content: string; tags: string[]; isPublished: boolean }> = {},
) {
  const res = await request(app.getHttpServer())
    .post(`${API}/posts`)
    .set('Authorization', `Bearer ${user.accessToken}`)
    .send({ title: 'A post title', content: 'Some content', isPublished: false, ...overrides });
  if (res.status !== 201) throw new Error(`create post failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; authorId: string; title: string; content: string; isPublished: boolean };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * After a test changes sessions or users with direct SQL (rather than through the API, which
 * waits by itself): returns once the app's in-memory session view has heard about it.
 */
export function settleAuthState(app: INestApplication): Promise<void> {
  return app.get(SessionStateCache).settle();
}
