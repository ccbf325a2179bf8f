import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Role } from '../../src/generated/prisma/enums.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser } from '../setup/factories.js';

describe('audit trail (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());

  async function eventsOf(adminToken: string, query: Record<string, string>, timeoutMs = 2000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await http().get(`${API}/admin/audit-events`).query(query).set(bearer(adminToken));
      if (res.status !== 200 || res.body.length > 0 || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('records security events with ip, user agent and request id, and filters them', async () => {
    const admin = await createUser(getApp(), Role.admin);
    const user = await createUser(getApp());
    const requestId = '6f1c2b9a-3d4e-4f50-9a1b-2c3d4e5f6a7b';
    await http().post(`${API}/auth/login`).set('X-Request-Id', requestId).set('User-Agent', 'audit-test').send({ email: user.email, password: 'wrong password!' });
    const res = await eventsOf(admin.accessToken, { type: 'LOGIN_FAILED', userId: user.id });
    expect(res.status).toBe(200);
    expect(res.body[0]).toMatchObject({ type: 'LOGIN_FAILED', outcome: 'failure', userId: user.id, userAgent: 'audit-test', requestId });
    expect(res.body[0].ip).toEqual(expect.any(String));
    expect(Number(res.headers['x-total-count'])).toBeGreaterThanOrEqual(1);
    const future = await http().get(`${API}/admin/audit-events`).query({ from: new Date(Date.now() + 60_000).toISOString() }).set(bearer(admin.accessToken));
    expect(future.body).toEqual([]);
  });

  it('is for admins only, and refuses bad filters', async () => {
    const user = await createUser(getApp());
    expect((await http().get(`${API}/admin/audit-events`).set(bearer(user.accessToken))).status).toBe(403);
    const admin = await createUser(getApp(), Role.admin);
    expect((await http().get(`${API}/admin/audit-events?type=NOPE`).set(bearer(admin.accessToken))).status).toBe(400);
    expect((await http().get(`${API}/admin/audit-events?from=yesterday`).set(bearer(admin.accessToken))).status).toBe(400);
  });
});
