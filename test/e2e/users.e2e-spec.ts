import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Role } from '../../src/generated/prisma/enums.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, type TestUser } from '../setup/factories.js';

describe('users (e2e)', () => {
  const getApp = useTestApp();
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;
  const http = () => request(getApp().getHttpServer());

  beforeAll(async () => {
    [alice, bob, admin] = await Promise.all([createUser(getApp()), createUser(getApp()), createUser(getApp(), Role.admin)]);
  });

  it('GET /users/me returns the caller profile', async () => {
    const res = await http().get(`${API}/users/me`).set(bearer(alice.accessToken));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: alice.id, email: alice.email, name: alice.name, role: 'user', plan: 'DEFAULT', emailVerified: true, status: 'active', createdAt: expect.any(String) });
  });

  it('PATCH /users/me changes the name only, trimmed', async () => {
    const res = await http().patch(`${API}/users/me`).set(bearer(alice.accessToken)).send({ name: '  Alice A.  ' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Alice A.');
    const bad = await http().patch(`${API}/users/me`).set(bearer(alice.accessToken)).send({ name: '' });
    expect(bad.status).toBe(400);
  });

  it('GET /users/:id shows public fields to others, the full profile to self and admins', async () => {
    const asBob = await http().get(`${API}/users/${alice.id}`).set(bearer(bob.accessToken));
    expect(asBob.status).toBe(200);
    expect(Object.keys(asBob.body).sort()).toEqual(['createdAt', 'id', 'name']);
    const asSelf = await http().get(`${API}/users/${alice.id}`).set(bearer(alice.accessToken));
    expect(asSelf.body.email).toBe(alice.email);
    const asAdmin = await http().get(`${API}/users/${alice.id}`).set(bearer(admin.accessToken));
    expect(asAdmin.body.email).toBe(alice.email);
    const missing = await http().get(`${API}/users/9b2f6a0e-2c1d-4f7a-8e3b-5c6d7e8f9a0b`).set(bearer(bob.accessToken));
    expect(missing.status).toBe(404);
  });

  it('GET /admin/users lists users for admins with X-Total-Count, 403 for others', async () => {
    const res = await http().get(`${API}/admin/users?limit=5`).set(bearer(admin.accessToken));
    expect(res.status).toBe(200);
    expect(res.body.length).toBeLessThanOrEqual(5);
    expect(Number(res.headers['x-total-count'])).toBeGreaterThanOrEqual(3);
    const denied = await http().get(`${API}/admin/users`).set(bearer(alice.accessToken));
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('Access denied');
  });

  it('PATCH /admin/users/:id/role changes a role and ends that user sessions', async () => {
    const target = await createUser(getApp());
    const res = await http().patch(`${API}/admin/users/${target.id}/role`).set(bearer(admin.accessToken)).send({ role: 'moderator' });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('moderator');
    expect((await http().get(`${API}/users/me`).set(bearer(target.accessToken))).status).toBe(401);
    const bad = await http().patch(`${API}/admin/users/${target.id}/role`).set(bearer(admin.accessToken)).send({ role: 'ROOT' });
    expect(bad.status).toBe(400);
    const missing = await http()
      .patch(`${API}/admin/users/9b2f6a0e-2c1d-4f7a-8e3b-5c6d7e8f9a0b/role`)
      .set(bearer(admin.accessToken))
      .send({ role: 'user' });
    expect(missing.status).toBe(404);
  });
});
