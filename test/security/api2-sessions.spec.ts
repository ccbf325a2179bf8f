/**
 * OWASP API2 (broken authentication): login, password storage, refresh-token rotation and reuse
 * detection, logout and session revocation, and the refresh cookie's CSRF defences. Black-box
 * against the real app and PostgreSQL; checklist sections A and C.
 */
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { createTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, login, uniqueEmail, type TestUser } from '../setup/factories.js';

type Tokens = { accessToken: string; refreshToken: string };
type Session = { id: string; current: boolean };

const COOKIE = '__Host-refresh_token';
const APP_ORIGIN = 'https://app.example.com';
const INVALID_CREDENTIALS = { error: 'Invalid credentials' };

describe('API2 sessions and authentication (security)', () => {
  let app: INestApplication;
  let prisma: PrismaService;

  beforeAll(async () => {
    app = await createTestApp();
    prisma = app.get(PrismaService);
  });
  afterAll(async () => {
    await app.close();
  });

  const http = () => request(app.getHttpServer());
  const refresh = (refreshToken: string) => http().post(`${API}/auth/refresh`).send({ refreshToken });
  const cookieRefresh = (refreshToken: string) => http().post(`${API}/auth/refresh`).set('Cookie', `${COOKIE}=${refreshToken}`);
  const me = (accessToken: string) => http().get(`${API}/users/me`).set(bearer(accessToken));
  const loginAttempt = (email: string, password: string) => http().post(`${API}/auth/login`).send({ email, password });

  /** Both halves of a token pair are refused. The access token is tried first: a refresh of a dead token changes nothing. */
  async function expectDead(tokens: Tokens): Promise<void> {
    expect((await me(tokens.accessToken)).status).toBe(401);
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
  }

  async function rotate(refreshToken: string): Promise<Tokens> {
    const res = await refresh(refreshToken);
    expect(res.status).toBe(200);
    return res.body as Tokens;
  }

  async function sessions(accessToken: string): Promise<Session[]> {
    const res = await http().get(`${API}/auth/sessions`).set(bearer(accessToken));
    expect(res.status).toBe(200);
    return res.body as Session[];
  }

  /** Audit rows are written in the background: poll briefly. */
  async function auditEvent(type: string, userId: string) {
    for (let waited = 0; waited <= 2000; waited += 100) {
      const row = await prisma.auditEvent.findFirst({ where: { type, userId } });
      if (row) return row;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
  }

  /** Parses one Set-Cookie line into its value and lower-cased attribute names (with values). */
  function parseSetCookie(line: string) {
    const [pair, ...attrs] = line.split(';').map((part) => part.trim());
    const attributes = new Map(
      attrs.map((a) => {
        const [name, ...value] = a.split('=');
        return [name.toLowerCase(), value.join('=')] as const;
      }),
    );
    return { name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), attributes };
  }

  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };

  async function timed(send: () => PromiseLike<{ status: number }>): Promise<number> {
    const start = performance.now();
    const res = await send();
    const elapsed = performance.now() - start;
    expect(res.status).toBe(401);
    return elapsed;
  }

  describe('A. authentication and passwords', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await createUser(app);
    });

    it('AUTH-01 unknown email and wrong password: same status, body (but requestId) and header names', async () => {
      const unknown = await loginAttempt(uniqueEmail('nobody'), user.password);
      const wrong = await loginAttempt(user.email, `${user.password}x`);
      for (const res of [unknown, wrong]) {
        expect(res.status).toBe(401);
        const { requestId, ...rest } = res.body as { requestId: unknown };
        expect(requestId).toEqual(expect.any(String));
        expect(rest).toEqual(INVALID_CREDENTIALS);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(wrong.headers).sort());
    });

    it('AUTH-01 timing: 50 unknown-email and 50 wrong-password logins have medians within 0.67..1.5', async () => {
      const unknownEmail = () => loginAttempt(uniqueEmail('nobody'), user.password);
      const wrongPassword = () => loginAttempt(user.email, `${user.password}x`);
      for (let i = 0; i < 3; i++) await Promise.all([timed(unknownEmail), timed(wrongPassword)]); // warm-up
      const unknownTimes: number[] = [];
      const wrongTimes: number[] = [];
      for (let i = 0; i < 50; i++) {
        unknownTimes.push(await timed(unknownEmail));
        wrongTimes.push(await timed(wrongPassword));
      }
      // argon2id verification costs tens of ms; a missing-user fast path would answer in ~1-2 ms.
      const ratio = median(unknownTimes) / median(wrongTimes);
      expect(ratio).toBeGreaterThan(0.67);
      expect(ratio).toBeLessThan(1.5);
    }, 60_000);

    it('AUTH-05 the stored hash is argon2id with m>=19456, t>=2, p>=1', async () => {
      const passwordHash = (await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } })).passwordHash ?? '';
      expect(passwordHash.startsWith('$argon2id$')).toBe(true);
      // PHC string `$argon2id$v=19$m=..,t=..,p=..$salt$hash`; node-argon2 writes the parameters as m,p,t.
      const params = new URLSearchParams(passwordHash.split('$')[3]?.replaceAll(',', '&'));
      expect(Number(params.get('m'))).toBeGreaterThanOrEqual(19_456);
      expect(Number(params.get('t'))).toBeGreaterThanOrEqual(2);
      expect(Number(params.get('p'))).toBeGreaterThanOrEqual(1);
    });
  });

  describe('C. refresh tokens and sessions', () => {
    it('RT-01 refresh rotates: a new, different pair, and the old refresh token then fails', async () => {
      const user = await createUser(app);
      const next = await rotate(user.refreshToken);
      expect(next.refreshToken).not.toBe(user.refreshToken);
      expect(next.accessToken).not.toBe(user.accessToken);
      expect((await me(next.accessToken)).status).toBe(200);
      expect((await refresh(user.refreshToken)).status).toBe(401);
    });

    it('RT-01 five parallel refreshes with one token: exactly one 200', async () => {
      const user = await createUser(app);
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(user.refreshToken)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 401, 401, 401, 401]);
    });

    it('RT-02 replaying a rotated-out token: 401, the family dies and REFRESH_TOKEN_REUSE is recorded', async () => {
      const user = await createUser(app);
      const second = await rotate(user.refreshToken);
      const newest = await rotate(second.refreshToken);
      expect((await refresh(user.refreshToken)).status).toBe(401);
      await expectDead(newest);
      const event = await auditEvent('REFRESH_TOKEN_REUSE', user.id);
      expect(event).not.toBeNull();
    });

    it('RT-03 after logout: that refresh token and that access token get 401', async () => {
      const user = await createUser(app);
      const other = await login(app, user.email, user.password);
      expect((await http().post(`${API}/auth/logout`).set(bearer(user.accessToken))).status).toBe(204);
      await expectDead(user);
      expect((await me(other.accessToken)).status).toBe(200); // only that session ended
    });

    it('RT-03 RT-05 logout-all ends every session of the user, not only the calling one', async () => {
      const user = await createUser(app);
      const other = await login(app, user.email, user.password);
      expect((await http().post(`${API}/auth/logout-all`).set(bearer(user.accessToken))).status).toBe(204);
      await expectDead(user);
      await expectDead(other);
    });

    it('RT-03 GET /auth/sessions lists the current session with current:true', async () => {
      const user = await createUser(app);
      const other = await login(app, user.email, user.password);
      const list = await sessions(user.accessToken);
      expect(list).toHaveLength(2);
      expect(list.filter((s) => s.current)).toHaveLength(1);
      const [otherCurrent] = (await sessions(other.accessToken)).filter((s) => s.current);
      expect(list.find((s) => s.current)?.id).not.toBe(otherCurrent.id);
    });

    it("RT-03 DELETE /auth/sessions/:id of another user's session: 404, and that session lives on", async () => {
      const [user, victim] = await Promise.all([createUser(app), createUser(app)]);
      const [victimSession] = (await sessions(victim.accessToken)).filter((s) => s.current);
      const res = await http().delete(`${API}/auth/sessions/${victimSession.id}`).set(bearer(user.accessToken));
      expect(res.status).toBe(404);
      expect((await me(victim.accessToken)).status).toBe(200);
      expect((await refresh(victim.refreshToken)).status).toBe(200);
    });

    it('RT-05 an admin changing a role ends that user’s sessions: old refresh and access tokens 401', async () => {
      const [admin, target] = await Promise.all([createUser(app, Role.admin), createUser(app)]);
      const res = await http().patch(`${API}/admin/users/${target.id}/role`).set(bearer(admin.accessToken)).send({ role: Role.moderator });
      expect(res.status).toBe(200);
      await expectDead(target);
    });

    it('RT-05 an admin ends a user’s sessions: old refresh and access tokens 401', async () => {
      const [admin, target] = await Promise.all([createUser(app, Role.admin), createUser(app)]);
      const res = await http().delete(`${API}/admin/users/${target.id}/sessions`).set(bearer(admin.accessToken));
      expect(res.status).toBe(204);
      await expectDead(target);
      expect((await me(admin.accessToken)).status).toBe(200);
    });

    it('RT-05 a non-admin cannot end another user’s sessions: 403, and they live on', async () => {
      const [user, target] = await Promise.all([createUser(app), createUser(app)]);
      const res = await http().delete(`${API}/admin/users/${target.id}/sessions`).set(bearer(user.accessToken));
      expect(res.status).toBe(403);
      expect((await me(target.accessToken)).status).toBe(200);
    });

    it('RT-06 the refresh cookie is __Host- prefixed, Secure, HttpOnly, SameSite=Strict, Path=/, no Domain', async () => {
      const user = await createUser(app);
      const res = await loginAttempt(user.email, user.password);
      expect(res.status).toBe(200);
      const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []).map(parseSetCookie);
      const cookie = lines.find((c) => c.name === COOKIE);
      expect(cookie?.value).toBe((res.body as Tokens).refreshToken);
      const attributes = cookie?.attributes ?? new Map<string, string>();
      expect(attributes.has('secure')).toBe(true);
      expect(attributes.has('httponly')).toBe(true);
      expect(attributes.get('samesite')?.toLowerCase()).toBe('strict');
      expect(attributes.get('path')).toBe('/');
      expect(attributes.has('domain')).toBe(false);
    });

    it('RT-06 cookie-borne refresh with JSON from the app origin works and rotates the cookie', async () => {
      const user = await createUser(app);
      const res = await cookieRefresh(user.refreshToken).set('Origin', APP_ORIGIN).send({});
      expect(res.status).toBe(200);
      const next = res.body as Tokens;
      expect(next.refreshToken).not.toBe(user.refreshToken);
      expect(String(res.headers['set-cookie'])).toContain(`${COOKIE}=${next.refreshToken}`);
    });

    it('RT-06 cross-site cookie refresh refused: text/plain 415/403, foreign Origin 403; the token is not consumed', async () => {
      const user = await createUser(app);
      const textPlain = await cookieRefresh(user.refreshToken).set('Content-Type', 'text/plain').send('{}');
      expect([403, 415]).toContain(textPlain.status);
      const textPlainNoBody = await cookieRefresh(user.refreshToken).set('Content-Type', 'text/plain');
      expect([403, 415]).toContain(textPlainNoBody.status);
      const crossSiteForm = await cookieRefresh(user.refreshToken)
        .set('Origin', 'https://evil.example')
        .set('Content-Type', 'text/plain')
        .send('{}');
      expect([403, 415]).toContain(crossSiteForm.status);
      const foreignOrigin = await cookieRefresh(user.refreshToken).set('Origin', 'https://evil.example').send({});
      expect(foreignOrigin.status).toBe(403);
      for (const res of [textPlain, textPlainNoBody, crossSiteForm, foreignOrigin]) expect(res.headers['set-cookie']).toBeUndefined();
      // None of the refused requests rotated the token: it still refreshes once.
      expect((await cookieRefresh(user.refreshToken).set('Origin', APP_ORIGIN).send({})).status).toBe(200);
    });
  });
});
