import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, strongPassword, uniqueEmail } from '../setup/factories.js';

describe('auth (e2e)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('registers a user with role USER and never returns the hash', async () => {
    const email = uniqueEmail();
    const res = await request(app.getHttpServer())
      .post(`${API}/auth/register`)
      .send({ email: `  ${email.toUpperCase()} `, password: strongPassword(), name: 'Ann' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), email, name: 'Ann', role: 'USER', createdAt: expect.any(String) });
  });

  it('logs in and uses the access token', async () => {
    const user = await createUser(app);
    const me = await request(app.getHttpServer()).get(`${API}/users/me`).set(bearer(user.accessToken));
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(user.email);
  });
});
