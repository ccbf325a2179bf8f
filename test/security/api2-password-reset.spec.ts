/**
 * OWASP API2 (broken authentication), password reset and change: checklist section F (PR-01..05),
 * AUTH-06, RT-04 (idle and absolute refresh lifetimes) and the reset-token part of LOG-02.
 * Against the real app and PostgreSQL; grey-box where a secret's storage or a lifetime needs it.
 */
import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { AppConfig } from '../../src/config/app-config.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { MailService } from '../../src/modules/mail/mail.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, login, settleAuthState, strongPassword, uniqueEmail } from '../setup/factories.js';
import { uniqueKeyPrefix } from './support/live-app.js';

type Tokens = { accessToken: string; refreshToken: string };

const INVALID_TOKEN = 'Invalid or expired reset token';
const REFRESH_COOKIE = '__Host-refresh_token';

/** Every response of this file and every reset token mailed, for LOG-02. */
const responses: Response[] = [];
const mailedTokens = new Set<string>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The test-side HTTP calls, each response recorded for LOG-02. */
function client(getApp: () => INestApplication) {
  const http = () => request(getApp().getHttpServer());
  const recorded = async (req: PromiseLike<Response>) => {
    const res = await req;
    responses.push(res);
    return res;
  };
  return {
    forgot: (email: string, headers: Record<string, string> = {}) => recorded(http().post(`${API}/auth/forgot-password`).set(headers).send({ email })),
    reset: (token: string, password: string) => recorded(http().post(`${API}/auth/reset-password`).send({ token, password })),
    resetRaw: (path: string, body: object) => recorded(http().post(`${API}/auth/reset-password${path}`).send(body)),
    me: (accessToken: string) => recorded(http().get(`${API}/users/me`).set(bearer(accessToken))),
    refresh: (refreshToken: string) => recorded(http().post(`${API}/auth/refresh`).send({ refreshToken })),
    login: (email: string, password: string) => recorded(http().post(`${API}/auth/login`).send({ email, password })),
    change: (accessToken: string, currentPassword: string, newPassword: string) =>
      recorded(http().patch(`${API}/users/me/password`).set(bearer(accessToken)).send({ currentPassword, newPassword })),
  };
}

/** The reset mails sent to `to`, oldest first. */
const resetMails = (app: INestApplication, to: string) => app.get(MailService).outbox.filter((m) => m.to === to && m.text.includes('/reset-password#token='));

/** Waits for reset mail number `index` (0-based) to `to`: the request is handled after its 202. */
async function resetMail(app: INestApplication, to: string, index: number): Promise<{ link: URL; token: string }> {
  for (let waited = 0; waited <= 3000; waited += 25) {
    const mail = resetMails(app, to)[index];
    if (mail) {
      const link = new URL(mail.text.split(/\s+/).find((word) => word.includes('token=')) ?? '');
      const token = new URLSearchParams(link.hash.slice(1)).get('token') ?? '';
      mailedTokens.add(token);
      return { link, token };
    }
    await sleep(25);
  }
  throw new Error(`no reset mail #${index} for ${to}`);
}

/** Asks for a reset through the API and returns the mailed link and token. */
async function requestReset(app: INestApplication, email: string, headers: Record<string, string> = {}) {
  const before = resetMails(app, email).length;
  expect((await client(() => app).forgot(email, headers)).status).toBe(202);
  return resetMail(app, email, before);
}

/** Audit rows are written in the background: poll up to 2 s. */
async function auditRows(app: INestApplication, type: string, userId: string, atLeast = 1) {
  const prisma = app.get(PrismaService);
  for (let waited = 0; ; waited += 100) {
    const rows = await prisma.auditEvent.findMany({ where: { type, userId }, orderBy: { createdAt: 'asc' } });
    if (rows.length >= atLeast || waited >= 2000) return rows;
    await sleep(100);
  }
}

describe('API2 password reset and change (security)', () => {
  const getApp = useTestApp();
  const api = client(getApp);
  const prisma = () => getApp().get(PrismaService);
  const config = () => getApp().get(AppConfig);
  const refreshRow = (refreshToken: string) => prisma().refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256(refreshToken) } });

  async function expectDead(tokens: Tokens): Promise<void> {
    expect((await api.me(tokens.accessToken)).status).toBe(401);
    expect((await api.refresh(tokens.refreshToken)).status).toBe(401);
  }

  async function rotate(refreshToken: string): Promise<Tokens> {
    const res = await api.refresh(refreshToken);
    expect(res.status).toBe(200);
    return res.body as Tokens;
  }

  describe('F. password reset', () => {
    it('PR-01 known and unknown email: same status, body and header names', async () => {
      const user = await createUser(getApp());
      const known = await api.forgot(user.email);
      const unknown = await api.forgot(uniqueEmail('nobody'));
      for (const res of [known, unknown]) {
        expect(res.status).toBe(202);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      expect(known.body).toEqual(unknown.body);
      expect(Object.keys(known.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
      await resetMail(getApp(), user.email, 0); // the known one really was handled
    });

    it('PR-01 timing: 30 interleaved known and unknown requests have medians within 0.67..1.5', async () => {
      const user = await createUser(getApp());
      const timed = async (email: string) => {
        const start = performance.now();
        const res = await api.forgot(email);
        const elapsed = performance.now() - start;
        expect(res.status).toBe(202);
        await sleep(15); // let the background work of this request end before the next one is timed
        return elapsed;
      };
      for (let i = 0; i < 3; i++) await Promise.all([timed(user.email), timed(uniqueEmail('nobody'))]); // warm-up
      const knownTimes: number[] = [];
      const unknownTimes: number[] = [];
      for (let i = 0; i < 30; i++) {
        knownTimes.push(await timed(user.email));
        unknownTimes.push(await timed(uniqueEmail('nobody')));
      }
      // Token insert + mail done inside the request would make the known path several times slower.
      const ratio = median(knownTimes) / median(unknownTimes);
      expect(ratio).toBeGreaterThan(0.67);
      expect(ratio).toBeLessThan(1.5);
    }, 60_000);

    it('PR-02 the token is 256 random bits, stored only as its SHA-256 hex, valid 30 minutes', async () => {
      const user = await createUser(getApp());
      const { token } = await requestReset(getApp(), user.email);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);

      const row = await prisma().accountToken.findFirstOrThrow({ where: { userId: user.id, usedAt: null } });
      expect(row.tokenHash).toBe(sha256(token));
      const ttl = config().mail.passwordResetTtlSeconds;
      expect(ttl).toBeLessThanOrEqual(30 * 60);
      const lifetime = row.expiresAt.getTime() - row.createdAt.getTime();
      expect(lifetime).toBeGreaterThan(ttl * 1000 - 5000);
      expect(lifetime).toBeLessThanOrEqual(ttl * 1000 + 1000);

      // No row of any table holds the raw token, before or after it is spent.
      expect((await api.reset(token, strongPassword())).status).toBe(204);
      const tables = await prisma().$queryRaw<{ name: string }[]>`
        SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['account_tokens', 'audit_events']));
      for (const { name } of tables) {
        const [{ n }] = await prisma().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${name}" t WHERE strpos(t::text, $1) > 0`, token);
        expect({ table: name, rowsWithToken: n }).toEqual({ table: name, rowsWithToken: 0 });
      }
    });

    it('PR-02 single-use: a second reset, or a concurrent one, with the same token is 400', async () => {
      const user = await createUser(getApp());
      const first = await requestReset(getApp(), user.email);
      expect((await api.reset(first.token, strongPassword())).status).toBe(204);
      const again = await api.reset(first.token, strongPassword());
      expect(again.status).toBe(400);
      expect(again.body.error).toBe(INVALID_TOKEN);

      const { token } = await requestReset(getApp(), user.email);
      const race = await Promise.all(Array.from({ length: 5 }, () => api.reset(token, strongPassword())));
      expect(race.map((r) => r.status).sort()).toEqual([204, 400, 400, 400, 400]);
    });

    it('PR-02 an expired token is 400 and leaves the password alone', async () => {
      const user = await createUser(getApp());
      const { token } = await requestReset(getApp(), user.email);
      await prisma().accountToken.update({ where: { tokenHash: sha256(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const res = await api.reset(token, strongPassword());
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(INVALID_TOKEN);
      expect((await api.login(user.email, user.password)).status).toBe(200);
    });

    it('PR-02 a newer request cancels the older token', async () => {
      const user = await createUser(getApp());
      const older = await requestReset(getApp(), user.email);
      const newer = await requestReset(getApp(), user.email);
      expect(newer.token).not.toBe(older.token);
      const stale = await api.reset(older.token, strongPassword());
      expect(stale.status).toBe(400);
      expect(stale.body.error).toBe(INVALID_TOKEN);
      expect((await api.reset(newer.token, strongPassword())).status).toBe(204);
    });

    it('PR-02 the token travels in the URL fragment of the link and the POST body, never a query string', async () => {
      const user = await createUser(getApp());
      const { link, token } = await requestReset(getApp(), user.email);
      expect(link.search).toBe('');
      expect(link.hash).toBe(`#token=${token}`);
      // The endpoint takes it from the body only: in the query string it is a validation error.
      const inQuery = await api.resetRaw(`?token=${token}`, { password: strongPassword() });
      expect(inQuery.status).toBe(400);
      expect((await api.reset(token, strongPassword())).status).toBe(204);
    });

    it('PR-03 a forged Host or X-Forwarded-Host does not change the mailed link', async () => {
      const user = await createUser(getApp());
      const { frontendUrl } = config().mail;
      expect(frontendUrl).not.toContain('evil.example');
      const forged: Record<string, string>[] = [{ Host: 'evil.example' }, { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' }];
      for (const headers of forged) {
        const { link } = await requestReset(getApp(), user.email, headers);
        expect(link.href.startsWith(`${frontendUrl}/reset-password#token=`)).toBe(true);
        expect(link.href).not.toContain('evil.example');
      }
    });

    it('PR-05 reset returns no tokens, ends every session and mails a notification', async () => {
      const user = await createUser(getApp());
      const second = await login(getApp(), user.email, user.password);
      const { token } = await requestReset(getApp(), user.email);
      const password = strongPassword();
      const res = await api.reset(token, password);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const cookies = [res.headers['set-cookie'] ?? []].flat();
      expect(cookies.filter((c) => new RegExp(`^${REFRESH_COOKIE}=[^;]+`).test(c))).toEqual([]);

      await expectDead(user);
      await expectDead(second);
      expect(await prisma().session.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
      expect((await api.login(user.email, user.password)).status).toBe(401);
      expect((await api.login(user.email, password)).status).toBe(200);
      expect(getApp().get(MailService).outbox.filter((m) => m.to === user.email && /password was reset/i.test(m.subject))).toHaveLength(1);
      expect(await auditRows(getApp(), 'PASSWORD_RESET_COMPLETED', user.id)).toHaveLength(1);
    });

    it('PR-05 a weak new password is 400 and does not spend the token', async () => {
      const user = await createUser(getApp());
      const { token } = await requestReset(getApp(), user.email);
      const localPart = user.email.split('@')[0];
      // Refused by the DTO (length, common list) and by the service (the email's name part).
      for (const weak of ['short', 'qwerty123456', `${localPart} is my password`]) {
        const res = await api.reset(token, weak);
        expect({ weak, status: res.status, field: res.body.details?.[0]?.field }).toEqual({ weak, status: 400, field: 'password' });
      }
      expect((await api.login(user.email, user.password)).status).toBe(200);
      expect((await api.reset(token, strongPassword())).status).toBe(204);
    });
  });

  describe('A. password change', () => {
    it('AUTH-06 a wrong current password is 401 and changes nothing', async () => {
      const user = await createUser(getApp());
      const other = await login(getApp(), user.email, user.password);
      const { passwordHash } = await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
      const res = await api.change(user.accessToken, `${user.password}x`, strongPassword());
      expect(res.status).toBe(401);
      expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } })).passwordHash).toBe(passwordHash);
      expect((await api.me(other.accessToken)).status).toBe(200);
      await rotate(other.refreshToken);
      expect(getApp().get(MailService).outbox.some((m) => m.to === user.email && /password was changed/i.test(m.subject))).toBe(false);
      expect((await auditRows(getApp(), 'PASSWORD_CHANGED', user.id)).map((r) => r.outcome)).toEqual(['failure']);
    });

    it("AUTH-06 a change ends the other sessions, keeps the caller's, and is audited", async () => {
      const user = await createUser(getApp());
      const other = await login(getApp(), user.email, user.password);
      const password = strongPassword();
      expect((await api.change(user.accessToken, user.password, password)).status).toBe(204);

      await expectDead(other);
      expect((await api.me(user.accessToken)).status).toBe(200);
      const next = await rotate(user.refreshToken);
      expect((await api.me(next.accessToken)).status).toBe(200);
      expect(await prisma().session.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);
      expect((await api.login(user.email, password)).status).toBe(200);
      expect((await auditRows(getApp(), 'PASSWORD_CHANGED', user.id)).map((r) => r.outcome)).toEqual(['success']);
    });
  });

  describe('C. refresh lifetimes', () => {
    it('RT-04 idle lifetime: a refresh token past its expiresAt is 401', async () => {
      const user = await createUser(getApp());
      const row = await refreshRow(user.refreshToken);
      const idle = config().auth.refreshTokenTtlSeconds * 1000;
      expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(idle + 1000);
      await prisma().refreshToken.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const res = await api.refresh(user.refreshToken);
      expect(res.status).toBe(401);
      expect(res.body.accessToken).toBeUndefined();
    });

    it('RT-04 absolute lifetime: once the session has expired, its refresh and access tokens are 401', async () => {
      const user = await createUser(getApp());
      const { sessionId } = await refreshRow(user.refreshToken);
      const session = await prisma().session.findUniqueOrThrow({ where: { id: sessionId } });
      expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBeLessThanOrEqual(config().auth.sessionAbsoluteTtlSeconds * 1000 + 1000);
      expect((await api.me(user.accessToken)).status).toBe(200);
      await prisma().session.update({ where: { id: sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
      await settleAuthState(getApp());
      await expectDead(user);
    });

    it("RT-04 a rotation never extends a refresh token past the session's absolute expiry", async () => {
      const user = await createUser(getApp());
      const { sessionId } = await refreshRow(user.refreshToken);
      const sessionEnd = new Date(Date.now() + 10 * 60 * 1000); // far sooner than the idle lifetime
      expect(config().auth.refreshTokenTtlSeconds * 1000).toBeGreaterThan(10 * 60 * 1000);
      await prisma().session.update({ where: { id: sessionId }, data: { expiresAt: sessionEnd } });
      let tokens: Tokens = user;
      for (let i = 0; i < 2; i++) {
        tokens = await rotate(tokens.refreshToken);
        const row = await refreshRow(tokens.refreshToken);
        expect(row.sessionId).toBe(sessionId);
        expect(row.expiresAt.getTime()).toBeLessThanOrEqual(sessionEnd.getTime());
      }
    });
  });

  describe('F. password reset with a per-account budget of 2 an hour', () => {
    const getLimitedApp = useTestApp({ PASSWORD_RESET_MAX_PER_ACCOUNT_PER_HOUR: '2', RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });
    const limited = client(getLimitedApp);

    it('PR-04 the 3rd and later requests answer 202 but send no mail, and the account is not locked', async () => {
      const user = await createUser(getLimitedApp());
      const replies: Response[] = [];
      for (let i = 0; i < 5; i++) replies.push(await limited.forgot(user.email));
      expect(replies.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
      await resetMail(getLimitedApp(), user.email, 1);
      // All five were handled (each leaves an audit row), yet only two mails went out.
      const audited = await auditRows(getLimitedApp(), 'PASSWORD_RESET_REQUESTED', user.id, 5);
      expect(audited.map((r) => r.outcome).sort()).toEqual(['failure', 'failure', 'failure', 'success', 'success']);
      await sleep(300);
      expect(resetMails(getLimitedApp(), user.email)).toHaveLength(2);
      expect(await getLimitedApp().get(PrismaService).accountToken.count({ where: { userId: user.id, purpose: 'PASSWORD_RESET' } })).toBe(2);
      expect((await limited.login(user.email, user.password)).status).toBe(200);
      expect((await limited.me(user.accessToken)).status).toBe(200);
    });
  });

  describe('H. logging', () => {
    it('LOG-02 no API response (body or header) ever carries a reset token', async () => {
      const user = await createUser(getApp());
      const { token } = await requestReset(getApp(), user.email);
      await api.resetRaw('', { token, password: 'short', extra: token }); // a validation error must not echo it
      await api.resetRaw('', { token: `${token}${'x'.repeat(100)}`, password: strongPassword() });
      await api.reset(token, strongPassword());
      await api.reset(token, strongPassword());
      expect(mailedTokens.size).toBeGreaterThan(0);
      const leaks = responses.flatMap((res) => {
        const seen = `${JSON.stringify(res.headers)}\n${res.text}`;
        return [...mailedTokens].filter((t) => seen.includes(t)).map((t) => ({ url: res.request.url, token: t }));
      });
      expect(leaks).toEqual([]);
    });
  });
});
