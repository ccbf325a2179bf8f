/**
 * OWASP API4 (unrestricted resource consumption): request budgets per IP, user and plan, the
 * stricter auth budgets, login brute-force protection and the body size limit. Checklist RL-01,
 * RL-02, AUTH-03 and VAL-05 (the 413 part); ERR-02 needs a store that can fail: see
 * multi-instance.spec.ts. Each scenario boots its own app with small limits (the run's default
 * ones are generous) and its own key prefix; users are created through a generous app on the
 * same database.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { describe, expect, it } from '@jest/globals';
import { PrismaService } from '../../src/database/prisma.service.js';
import { Plan } from '../../src/generated/prisma/enums.js';
import { API, createUser, strongPassword, uniqueEmail, type TestUser } from '../setup/factories.js';
import { auditEventOf, call, expectError, expectRateLimitHeaders, expectTooMany, sleep, useListeningApp, type Reply } from './support/live-app.js';

const INVALID_CREDENTIALS = 'Invalid credentials';
/** Well-formed (16..128 characters) but never issued: a refresh token, reset token or MFA challenge. */
const BOGUS_TOKEN = 'not-a-real-token-issued-by-this-api-00000000';
/** Documentation addresses (RFC 5737): a different forged X-Forwarded-For on every request. */
const forged = (i: number) => `203.0.113.${i % 250}, 198.51.100.${i % 250}`;

describe('API4 unrestricted resource consumption (security)', () => {
  const generous = useListeningApp();
  const loginAs = (app: INestApplication, email: string, password: string, from?: string, forwardedFor?: string) =>
    call(app, 'POST', `${API}/auth/login`, { from, forwardedFor, body: { email, password } });

  describe('RL-01 anonymous budget per real IP', () => {
    const app = useListeningApp({ RATE_LIMIT_ANONYMOUS: '3', RATE_LIMIT_ANONYMOUS_WINDOW_SECONDS: '60' });
    const anonymousCall = (i: number, from?: string) => call(app(), 'POST', `${API}/auth/refresh`, { from, forwardedFor: forged(i), body: { refreshToken: BOGUS_TOKEN } });

    it('RL-01 over the anonymous budget: 429 with Retry-After, RateLimit headers and the standard body; a forged X-Forwarded-For does not reset it', async () => {
      for (let i = 0; i < 3; i++) {
        const reply = await anonymousCall(i);
        expectError(reply, 401);
        expectRateLimitHeaders(reply, 3, 2 - i, 60);
      }
      for (let i = 3; i < 6; i++) {
        const reply = await anonymousCall(i);
        expectTooMany(reply, 60);
        expectRateLimitHeaders(reply, 3, 0, 60);
      }
      // Keyed by the real source address: another client still has its whole budget.
      const other = await anonymousCall(6, '127.0.0.2');
      expectError(other, 401);
      expectRateLimitHeaders(other, 3, 2, 60);
    });

    it('RL-01 failed authentication is not free: bad bearer tokens and API keys spend the anonymous per-IP budget too', async () => {
      const badCredentials = [{ token: 'not.a.jwt' }, { apiKey: BOGUS_TOKEN }];
      const guess = (i: number) => call(app(), 'GET', `${API}/users/me`, { from: '127.0.0.4', forwardedFor: forged(i), ...badCredentials[i % 2] });
      for (let i = 0; i < 3; i++) expectError(await guess(i), 401);
      expectTooMany(await guess(3), 60);
      expectTooMany(await guess(4), 60);
    });

    it('RL-01 a throttled request leaves a RATE_LIMITED audit event', async () => {
      for (let i = 0; i < 3; i++) await anonymousCall(i, '127.0.0.5');
      const reply = await anonymousCall(3, '127.0.0.5');
      expect(reply.status).toBe(429);
      expect(await auditEventOf(app(), 'RATE_LIMITED', reply.body.requestId)).toMatchObject({ outcome: 'failure', userId: null, ip: '127.0.0.5' });
    });
  });

  describe('RL-01 signed-in budgets by user and plan', () => {
    const app = useListeningApp({ RATE_LIMIT_DEFAULT_PER_MINUTE: '3', RATE_LIMIT_PREMIUM_PER_MINUTE: '6' });
    const me = (user: TestUser, i = 0) => call(app(), 'GET', `${API}/users/me`, { token: user.accessToken, forwardedFor: forged(i) });
    const withPlan = async (plan: Plan) => {
      const user = await createUser(generous());
      await generous().get(PrismaService).user.update({ where: { id: user.id }, data: { plan } });
      return user;
    };

    /** `limit` requests pass, showing the plan's limit in the headers, and the next one is 429. */
    async function expectBudget(user: TestUser, limit: number): Promise<Reply> {
      for (let i = 0; i < limit; i++) {
        const reply = await me(user, i);
        expect(reply.status).toBe(200);
        expectRateLimitHeaders(reply, limit, limit - 1 - i, 60);
      }
      const over = await me(user, limit);
      expectTooMany(over, 60);
      expectRateLimitHeaders(over, limit, 0, 60);
      return over;
    }

    it('RL-01 a DEFAULT user is counted by user: over 3/min 429, while a second user from the same IP is unaffected', async () => {
      const [first, second] = [await withPlan(Plan.DEFAULT), await withPlan(Plan.DEFAULT)];
      const over = await expectBudget(first, 3);
      expect(await auditEventOf(app(), 'RATE_LIMITED', over.body.requestId)).toMatchObject({ userId: first.id });
      const other = await me(second);
      expect(other.status).toBe(200);
      expectRateLimitHeaders(other, 3, 2, 60);
    });

    it("RL-01 an API key is counted by key and by its owner: the owner's budget caps all their keys", async () => {
      const owner = await withPlan(Plan.DEFAULT);
      const newKey = async () => {
        const res = await call(generous(), 'POST', `${API}/api-keys`, { token: owner.accessToken, body: { name: 'rl-01', scopes: ['profile:read'] } });
        expect(res.status).toBe(201);
        return String(res.body.key);
      };
      const [first, second] = [await newKey(), await newKey()];
      const withKey = (apiKey: string) => call(app(), 'GET', `${API}/users/me`, { apiKey });
      for (let i = 0; i < 2; i++) {
        const reply = await withKey(first);
        expect(reply.status).toBe(200);
        expectRateLimitHeaders(reply, 3, 2 - i, 60);
      }
      expect((await me(owner)).status).toBe(200);
      // The second key has spent nothing, but its owner has spent all 3: the headers say so too.
      const over = await withKey(second);
      expectTooMany(over, 60);
      expectRateLimitHeaders(over, 3, 0, 60);
    });

    it('RL-01 PREMIUM has the higher budget (6/min here)', async () => {
      await expectBudget(await withPlan(Plan.PREMIUM), 6);
    });

    it('RL-01 ENTERPRISE is never throttled', async () => {
      const user = await withPlan(Plan.ENTERPRISE);
      const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => me(user, i)));
      expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    });
  });

  describe('RL-02 register budget per IP', () => {
    const app = useListeningApp({ RATE_LIMIT_REGISTER_PER_HOUR: '5' });

    it('RL-02 register: 5 per hour per IP, then 429 whatever X-Forwarded-For says', async () => {
      const register = (i: number) => call(app(), 'POST', `${API}/auth/register`, { forwardedFor: forged(i), body: { email: uniqueEmail('rl02'), password: strongPassword(), name: 'Rate Limited' } });
      for (let i = 0; i < 5; i++) expect((await register(i)).status).toBe(202);
      expectTooMany(await register(5), 3600);
      expectTooMany(await register(6), 3600);
    });
  });

  describe('RL-02 refresh budget per IP', () => {
    const app = useListeningApp({ RATE_LIMIT_REFRESH_PER_MINUTE: '3' });
    const refresh = (token: string, i: number) => call(app(), 'POST', `${API}/auth/refresh`, { forwardedFor: forged(i), body: { refreshToken: token } });

    it('RL-02 refresh: over 3/min 429, and the throttled refresh token is not spent', async () => {
      let token = (await createUser(generous())).refreshToken;
      for (let i = 0; i < 3; i++) {
        const reply = await refresh(token, i);
        expect(reply.status).toBe(200);
        token = String(reply.body.refreshToken);
      }
      expectTooMany(await refresh(token, 3), 60);
      expect((await call(generous(), 'POST', `${API}/auth/refresh`, { body: { refreshToken: token } })).status).toBe(200);
    });
  });

  describe('RL-02 login failures per IP', () => {
    const app = useListeningApp({ LOGIN_MAX_FAILURES_PER_IP: '3', LOGIN_IP_WINDOW_SECONDS: '60' });

    it('RL-02 login: successful logins are not counted; the 3rd failure from an IP makes the next attempt 429, even with the right password', async () => {
      const user = await createUser(generous());
      const attempt = (password: string, i: number, from?: string) => loginAs(app(), user.email, password, from, forged(i));
      for (let i = 0; i < 2; i++) expectError(await attempt('wrong password, sorry', i), 401, INVALID_CREDENTIALS);
      for (let i = 0; i < 10; i++) expect((await attempt(user.password, i)).status).toBe(200);
      expectError(await attempt('wrong password, sorry', 10), 401, INVALID_CREDENTIALS);
      expectTooMany(await attempt(user.password, 11), 60);
      // Per IP: the account itself is fine from another address.
      expect((await attempt(user.password, 12, '127.0.0.2')).status).toBe(200);
    });
  });

  describe('RL-02 password reset and MFA verify budgets per IP', () => {
    const app = useListeningApp({ RATE_LIMIT_PASSWORD_RESET_PER_HOUR: '3', RATE_LIMIT_MFA_VERIFY_PER_MINUTE: '3' });
    const post = (route: string, body: object, i: number) => call(app(), 'POST', `${API}/auth/${route}`, { forwardedFor: forged(i), body });
    const forgot = (i: number) => post('forgot-password', { email: uniqueEmail('forgot') }, i);
    const reset = (i: number) => post('reset-password', { token: BOGUS_TOKEN, password: strongPassword() }, i);

    it('RL-02 forgot-password and reset-password share 3 per hour per IP, then 429', async () => {
      expect((await forgot(0)).status).toBe(202);
      expect((await forgot(1)).status).toBe(202);
      expectError(await reset(2), 400);
      expectTooMany(await forgot(3), 3600);
      expectTooMany(await reset(4), 3600);
    });

    it('RL-02 MFA verify: over 3 per minute per IP 429, whatever the challenge', async () => {
      const verify = (i: number) => post('mfa/verify', { mfaToken: BOGUS_TOKEN, code: '123456' }, i);
      for (let i = 0; i < 3; i++) expectError(await verify(i), 401);
      expectTooMany(await verify(3), 60);
    });
  });

  describe('AUTH-03 account lock after repeated failures', () => {
    // The per-IP limit is high so that the account lock, not the IP limit, is what refuses.
    const app = useListeningApp({ LOGIN_MAX_FAILURES_PER_IP: '100', LOGIN_MAX_FAILURES_PER_ACCOUNT: '10', LOGIN_ACCOUNT_LOCK_SECONDS: '2' });

    it('AUTH-03 10 bad passwords from 2 IPs with rotating X-Forwarded-For lock the account: the right password gets the same 401, a fresh IP does not unlock it, forgot-password still works, the lock ends by itself', async () => {
      const user = await createUser(generous());
      const attempt = (password: string, from: string, i: number) => loginAs(app(), user.email, password, from, forged(i));
      const failures: Reply[] = [];
      for (let i = 0; i < 10; i++) failures.push(await attempt('not the password', i % 2 ? '127.0.0.2' : '127.0.0.1', i));
      const lockedAt = Date.now();
      for (const failure of failures) expectError(failure, 401, INVALID_CREDENTIALS);

      for (const [i, from] of ['127.0.0.1', '127.0.0.2', '127.0.0.3'].entries()) {
        const refused = await attempt(user.password, from, 20 + i);
        expectError(refused, 401, INVALID_CREDENTIALS);
        // Indistinguishable from a wrong password: no lock hint, no Retry-After.
        expect({ auth: refused.headers['www-authenticate'], retryAfter: refused.headers['retry-after'] }).toEqual({ auth: failures[0].headers['www-authenticate'], retryAfter: undefined });
      }

      // The owner can still recover the account meanwhile.
      expect((await call(app(), 'POST', `${API}/auth/forgot-password`, { from: '127.0.0.3', body: { email: user.email } })).status).toBe(202);

      await sleep(lockedAt + 2500 - Date.now());
      const unlocked = await attempt(user.password, '127.0.0.3', 30);
      expect(unlocked.status).toBe(200);
      expect(unlocked.body).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer' });
    });
  });

  describe('VAL-05 body size limit', () => {
    it('VAL-05 a 300 kB JSON body gets 413 with the standard body', async () => {
      const reply = await call(generous(), 'POST', `${API}/auth/login`, { body: { email: uniqueEmail(), password: 'x', padding: 'x'.repeat(300 * 1024) } });
      expectError(reply, 413, 'Request body too large');
    });

    it('VAL-05 a body nested as deep as the size limit allows gets 400 at once, and the server stays up', async () => {
      // Walking such a document with a path copied per level costs time and memory quadratic in its
      // depth: 120 kB of `[[[...0,0,...]]]` once took a process to "heap out of memory".
      for (const body of ['['.repeat(128_000) + ']'.repeat(128_000), '['.repeat(30_000) + '0,'.repeat(30_000) + '0' + ']'.repeat(30_000)]) {
        const reply = await request(generous().getHttpServer()).post(`${API}/auth/login`).set('content-type', 'application/json').send(body);
        expect({ status: reply.status, body: reply.body as unknown }).toEqual({ status: 400, body: { error: 'Malformed JSON body', requestId: reply.headers['x-request-id'] } });
      }
      expect((await call(generous(), 'GET', '/health/live')).status).toBe(200);
    });

    it('VAL-05 a 1 MB password gets 413 (or 400) fast, on register and on login', async () => {
      const password = 'p'.repeat(1024 * 1024);
      for (const [path, body] of [
        ['register', { email: uniqueEmail(), password, name: 'Huge Password' }],
        ['login', { email: uniqueEmail(), password }],
      ] as const) {
        const reply = await call(generous(), 'POST', `${API}/auth/${path}`, { body });
        expect([400, 413]).toContain(reply.status);
        expectError(reply, reply.status);
        expect(reply.ms).toBeLessThan(1000);
      }
    });
  });
});
