import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from '@jest/globals';
import request from 'supertest';
import { MailService } from '../../src/modules/mail/mail.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, strongPassword } from '../setup/factories.js';
import { createApiKey, enableMfa, passwordStep, totp, verifyMfa } from './support/auth-flows.js';

/**
 * Checklist L (LOG-01..03), grey-box: one app writes its JSON log to a file while a full flow
 * runs (register, login, refresh, MFA, API keys, reset, change, logout), then the file is read.
 */
const LOG_FILE = join(mkdtempSync(join(tmpdir(), 'logs-')), 'app.log');
type Entry = Record<string, unknown> & { time?: string; msg?: string; level?: number; securityEvent?: Record<string, unknown> };

describe('security logging (checklist L)', () => {
  const getApp = useTestApp({ LOG_FILE, LOG_LEVEL: 'debug' });
  const http = () => request(getApp().getHttpServer());
  const secrets: string[] = [];
  let entries: Entry[] = [];
  let raw = '';

  const resetTokenFor = async (to: string) => {
    for (let i = 0; i < 60; i++) {
      const mail = getApp().get(MailService).outbox.find((m) => m.to === to && m.text.includes('/reset-password#token='));
      if (mail) return /#token=([\w-]+)/.exec(mail.text)?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('no reset mail');
  };

  beforeAll(async () => {
    const user = await createUser(getApp());
    secrets.push(user.password, user.accessToken, user.refreshToken);
    await http().post(`${API}/auth/login`).send({ email: user.email, password: `${user.password}-wrong` });
    const refreshed = await http().post(`${API}/auth/refresh`).send({ refreshToken: user.refreshToken });
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    const { secret, recoveryCodes } = await enableMfa(getApp(), user);
    secrets.push(secret, ...recoveryCodes);
    const challenge = (await passwordStep(getApp(), user)).body.mfaToken as string;
    secrets.push(challenge);
    const mfaLogin = await verifyMfa(getApp(), challenge, totp(secret, 1));
    secrets.push(mfaLogin.body.accessToken, mfaLogin.body.refreshToken);
    const key = await createApiKey(getApp(), user, ['posts:read']);
    secrets.push(key.key);
    await http().get(`${API}/posts?access_token=${user.accessToken}`).set('X-API-Key', key.key);
    await http().post(`${API}/auth/forgot-password`).send({ email: user.email });
    const resetToken = await resetTokenFor(user.email);
    const newPassword = strongPassword();
    secrets.push(resetToken, newPassword);
    await http().post(`${API}/auth/reset-password`).send({ token: resetToken, password: newPassword });
    const other = await createUser(getApp());
    const changed = strongPassword();
    secrets.push(other.password, other.accessToken, other.refreshToken, changed);
    await http().patch(`${API}/users/me/password`).set(bearer(other.accessToken)).send({ currentPassword: other.password, newPassword: changed });
    await http().post(`${API}/auth/logout`).set(bearer(other.accessToken));
    await http().get(`${API}/posts%0D%0A%7B%22level%22%3A60%7D`).set('User-Agent', 'agent "with" quotes {"level":60}');
    await new Promise((r) => setTimeout(r, 300));
    raw = readFileSync(LOG_FILE, 'utf8');
    entries = raw.trim().split('\n').map((line) => JSON.parse(line) as Entry);
  });

  it('LOG-01 each security event is one structured line: UTC time, event, user or IP, request id', () => {
    const events = entries.filter((e) => e.securityEvent).map((e) => ({ ...e.securityEvent, time: e.time }) as Record<string, unknown>);
    const types = new Set(events.map((e) => e.type));
    for (const type of ['USER_REGISTERED', 'LOGIN_SUCCESS', 'LOGIN_FAILED', 'TOKEN_REFRESHED', 'MFA_ENABLED', 'API_KEY_CREATED', 'PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET_COMPLETED', 'PASSWORD_CHANGED', 'LOGOUT']) {
      expect(types).toContain(type);
    }
    for (const event of events) {
      expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(event.userId ?? event.ip).toEqual(expect.any(String));
      expect(event.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('LOG-02 the log holds no password, JWT, refresh token, API key, TOTP secret, recovery code or reset token', () => {
    expect(raw.length).toBeGreaterThan(1000);
    expect(raw).not.toContain('eyJ');
    expect(secrets.filter((s) => s && raw.includes(s))).toEqual([]);
  });

  it('LOG-03 hostile input stays inside one escaped JSON entry', () => {
    expect(entries.every((e) => typeof e.level === 'number' && e.level < 60)).toBe(true);
    const injected = entries.filter((e) => JSON.stringify(e).includes('%0D%0A'));
    expect(injected.length).toBeGreaterThan(0);
    expect(raw.split('\n').some((line) => line.startsWith('{"level":60}'))).toBe(false);
  });
});
