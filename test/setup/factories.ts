import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { SessionStateCache } from '../../src/database/session-state.cache.js';
import { MailService } from '../../src/modules/mail/mail.service.js';

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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The newest mail to `to` whose text contains `marker`, once it has been sent (registration, reset
 * and verification mails go out after the 202): the mail's text and the token of its link.
 */
export async function waitForMail(app: INestApplication, to: string, marker: string, after = 0): Promise<{ text: string; token: string | undefined }> {
  const outbox = app.get(MailService).outbox;
  for (let waited = 0; waited < 10_000; waited += 20) {
    const mail = outbox.slice(after).filter((m) => m.to === to && m.text.includes(marker)).at(-1);
    if (mail) return { text: mail.text, token: /#token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] };
    await sleep(20);
  }
  throw new Error(`no mail containing "${marker}" to ${to}`);
}

/** Registers through the API (202), then opens the mailed verification link (204). */
export async function registerVerified(app: INestApplication, email: string, password: string, name: string): Promise<string> {
  const res = await request(app.getHttpServer()).post(`${API}/auth/register`).send({ email, password, name });
  if (res.status !== 202) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  const { token } = await waitForMail(app, email, '/verify-email#token=');
  const verified = await request(app.getHttpServer()).post(`${API}/auth/verify-email`).send({ token });
  if (verified.status !== 204) throw new Error(`verify-email failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  const user = await app.get(PrismaService).user.findUniqueOrThrow({ where: { email }, select: { id: true } });
  return user.id;
}

/** Registers and verifies through the API, sets the role in the database when not `USER`, and logs in. */
export async function createUser(app: INestApplication, role: Role = Role.user): Promise<TestUser> {
  const email = uniqueEmail(role.toLowerCase());
  const password = strongPassword();
  const name = `Test ${role}`;
  const id = await registerVerified(app, email, password, name);
  if (role !== Role.user) {
    await app.get(PrismaService).user.update({ where: { id }, data: { role } });
  }
  const tokens = await login(app, email, password);
  return { id, email, password, name, role, ...tokens };
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
