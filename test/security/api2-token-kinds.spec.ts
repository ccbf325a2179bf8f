import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, login, waitForMail } from '../setup/factories.js';

/** Checklist AUTH-08 and the reset-token part of JWT-06. */
describe('token kinds and demo credentials', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());

  it('JWT-06 a password-reset token used as a bearer is 401', async () => {
    const user = await createUser(getApp());
    await http().post(`${API}/auth/forgot-password`).send({ email: user.email });
    const token = (await waitForMail(getApp(), user.email, '/reset-password#token=')).token ?? '';
    expect(token).not.toBe('');
    const res = await http().get(`${API}/users/me`).set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Invalid token', requestId: expect.any(String) });
  });

  it('AUTH-08 every login issues new tokens', async () => {
    const user = await createUser(getApp());
    const [a, b] = [await login(getApp(), user.email, user.password), await login(getApp(), user.email, user.password)];
    expect(a.accessToken).not.toBe(b.accessToken);
    expect(a.refreshToken).not.toBe(b.refreshToken);
    expect(new Set([a.refreshToken, b.refreshToken, user.refreshToken]).size).toBe(3);
  });

  it('AUTH-08 the demo accounts exist only where npm run dev seeded them, never in other environments', async () => {
    const demo = await getApp()
      .get(PrismaService)
      .user.count({ where: { email: { in: ['admin@example.com', 'moderator@example.com', 'user@example.com'] } } });
    expect(demo).toBe(0);
    for (const email of ['admin@example.com', 'user@example.com']) {
      expect((await http().post(`${API}/auth/login`).send({ email, password: 'any password at all' })).status).toBe(401);
    }
  });
});
