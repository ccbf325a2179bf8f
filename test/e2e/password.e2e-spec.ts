import type { INestApplication } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MailService } from '../../src/modules/mail/mail.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, login, strongPassword, uniqueEmail, waitForMail } from '../setup/factories.js';

/** Waits for the reset mail to `to` (the request is handled after the 202) and returns its token. */
async function resetTokenFor(app: INestApplication, to: string): Promise<string> {
  return (await waitForMail(app, to, '/reset-password#token=')).token ?? '';
}

describe('password change and reset (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());
  const mail = () => getApp().get(MailService);

  it('PATCH /users/me/password needs the current password and ends the other sessions', async () => {
    const user = await createUser(getApp());
    const other = await login(getApp(), user.email, user.password);
    const newPassword = strongPassword();
    const wrong = await http().patch(`${API}/users/me/password`).set(bearer(user.accessToken)).send({ currentPassword: 'not it at all', newPassword });
    expect(wrong.status).toBe(401);
    const ok = await http().patch(`${API}/users/me/password`).set(bearer(user.accessToken)).send({ currentPassword: user.password, newPassword });
    expect(ok.status).toBe(204);
    expect((await http().get(`${API}/users/me`).set(bearer(user.accessToken))).status).toBe(200);
    expect((await http().get(`${API}/users/me`).set(bearer(other.accessToken))).status).toBe(401);
    expect((await http().post(`${API}/auth/login`).send({ email: user.email, password: user.password })).status).toBe(401);
    expect((await http().post(`${API}/auth/login`).send({ email: user.email, password: newPassword })).status).toBe(200);
    expect(mail().outbox.some((m) => m.to === user.email && /password was changed/i.test(m.subject))).toBe(true);
  });

  it('refuses a weak new password with field details', async () => {
    const user = await createUser(getApp());
    const res = await http().patch(`${API}/users/me/password`).set(bearer(user.accessToken)).send({ currentPassword: user.password, newPassword: 'qwerty123456' });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('newPassword');
  });

  it('forgot-password answers 202 the same way for known and unknown emails', async () => {
    const user = await createUser(getApp());
    const known = await http().post(`${API}/auth/forgot-password`).send({ email: user.email });
    const unknown = await http().post(`${API}/auth/forgot-password`).send({ email: uniqueEmail('nobody') });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    await resetTokenFor(getApp(), user.email);
  });

  it('reset-password sets the password, ends every session, and the token is single-use', async () => {
    const user = await createUser(getApp());
    await http().post(`${API}/auth/forgot-password`).send({ email: user.email });
    const token = await resetTokenFor(getApp(), user.email);
    const password = strongPassword();
    const res = await http().post(`${API}/auth/reset-password`).send({ token, password });
    expect(res.status).toBe(204);
    expect(res.body).toEqual({});
    expect((await http().get(`${API}/users/me`).set(bearer(user.accessToken))).status).toBe(401);
    expect((await http().post(`${API}/auth/refresh`).send({ refreshToken: user.refreshToken })).status).toBe(401);
    expect((await http().post(`${API}/auth/login`).send({ email: user.email, password })).status).toBe(200);
    const again = await http().post(`${API}/auth/reset-password`).send({ token, password: strongPassword() });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('Invalid or expired reset token');
    expect(mail().outbox.some((m) => m.to === user.email && /password was reset/i.test(m.subject))).toBe(true);
  });

  it('refuses an unknown token and a weak password', async () => {
    const unknown = await http().post(`${API}/auth/reset-password`).send({ token: 'x'.repeat(43), password: strongPassword() });
    expect(unknown.status).toBe(400);
    const user = await createUser(getApp());
    await http().post(`${API}/auth/forgot-password`).send({ email: user.email });
    const token = await resetTokenFor(getApp(), user.email);
    const weak = await http().post(`${API}/auth/reset-password`).send({ token, password: 'short' });
    expect(weak.status).toBe(400);
  });
});
