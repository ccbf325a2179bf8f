import { describe, expect, it } from '@jest/globals';
import argon2 from 'argon2';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { REGISTRATION_ACCEPTED } from '../../src/modules/auth/auth.service.js';
import { API, bearer, createUser, registerVerified, strongPassword, uniqueEmail, waitForMail } from '../setup/factories.js';

describe('auth (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());

  it('registers an unverified user with role USER: 202 with the fixed body, and a verification mail', async () => {
    const email = uniqueEmail();
    const res = await http()
      .post(`${API}/auth/register`)
      .send({ email: `  ${email.toUpperCase()} `, password: strongPassword(), name: 'Ann' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual(REGISTRATION_ACCEPTED);
    const { token } = await waitForMail(getApp(), email, '/verify-email#token=');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await getApp().get(PrismaService).user.findUniqueOrThrow({ where: { email } });
    expect({ name: row.name, role: row.role, plan: row.plan, emailVerifiedAt: row.emailVerifiedAt }).toEqual({ name: 'Ann', role: 'user', plan: 'DEFAULT', emailVerifiedAt: null });
  });

  it('logs in and uses the access token', async () => {
    const user = await createUser(getApp());
    const me = await http().get(`${API}/users/me`).set(bearer(user.accessToken));
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(user.email);
  });
});

describe('auth errors (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());

  it('answers a taken email, whatever its case, exactly as a new one: 202 and the fixed body', async () => {
    const user = await createUser(getApp());
    const res = await http()
      .post(`${API}/auth/register`)
      .send({ email: user.email.toUpperCase(), password: strongPassword(), name: 'Dup' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual(REGISTRATION_ACCEPTED);
    await waitForMail(getApp(), user.email, 'tried to create an account');
  });

  it.each([
    ['a password under 12 characters', { password: 'short pass' }, 'password'],
    ['a password over 128 characters', { password: 'p'.repeat(129) }, 'password'],
    ['an invalid email', { email: 'not-an-email' }, 'email'],
    ['a role in the body', { role: 'admin' }, 'role'],
  ])('refuses registration with %s', async (_name, override, field) => {
    const body = { email: uniqueEmail(), password: strongPassword(), name: 'N', ...override };
    const res = await http().post(`${API}/auth/register`).send(body);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('accepts long, unicode and space-filled passwords', async () => {
    for (const password of ['correct horse battery staple', 'pässwörd-ünïcödé-🔐-long', 'x'.repeat(128)]) {
      const email = uniqueEmail();
      await registerVerified(getApp(), email, password, 'U');
      expect((await http().post(`${API}/auth/login`).send({ email, password })).status).toBe(200);
    }
  });

  it('re-hashes a password stored with weaker argon2 parameters at the next login', async () => {
    const user = await createUser(getApp());
    const prisma = getApp().get(PrismaService);
    const weak = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash: weak } });
    expect((await http().post(`${API}/auth/login`).send({ email: user.email, password: user.password })).status).toBe(200);
    const { passwordHash } = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(passwordHash).not.toBe(weak);
    expect(passwordHash).toContain('m=19456');
  });

  it('answers 401 Invalid credentials for a wrong password', async () => {
    const user = await createUser(getApp());
    const res = await http().post(`${API}/auth/login`).send({ email: user.email, password: `${user.password}x` });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Invalid credentials', requestId: expect.any(String) });
  });

  it('refresh rotates a body-borne token and refuses garbage', async () => {
    const user = await createUser(getApp());
    const res = await http().post(`${API}/auth/refresh`).send({ refreshToken: user.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    expect((await http().get(`${API}/users/me`).set(bearer(res.body.accessToken))).status).toBe(200);
    const garbage = await http().post(`${API}/auth/refresh`).send({ refreshToken: 'x'.repeat(43) });
    expect(garbage.status).toBe(401);
    expect(garbage.body.error).toBe('Invalid refresh token');
    const none = await http().post(`${API}/auth/refresh`).send({});
    expect(none.status).toBe(401);
  });

  it('lists and ends sessions', async () => {
    const user = await createUser(getApp());
    const list = await http().get(`${API}/auth/sessions`).set(bearer(user.accessToken));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ current: true });
    const end = await http().delete(`${API}/auth/sessions/${list.body[0].id}`).set(bearer(user.accessToken));
    expect(end.status).toBe(204);
    expect((await http().get(`${API}/users/me`).set(bearer(user.accessToken))).status).toBe(401);
  });
});
