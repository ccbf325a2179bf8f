/**
 * OWASP API2 (broken authentication), account lifecycle: checklist section M (ACCT-01, ACCT-03
 * to ACCT-08; ACCT-02, the pre-hijack through Google, is in api2-google-login.spec.ts).
 * Black-box against the real app and PostgreSQL; mails are read from the capture transport.
 */
import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabase, ensureDatabase, migrateDeploy } from '../../scripts/lib/database-admin.js';
import { AppConfig } from '../../src/config/app-config.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { REGISTRATION_ACCEPTED } from '../../src/modules/auth/auth.service.js';
import { RESEND_ACCEPTED } from '../../src/modules/auth/email-verification/email-verification.service.js';
import { MailService } from '../../src/modules/mail/mail.service.js';
import { createTestApp, useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, login, settleAuthState, sleep, strongPassword, uniqueEmail, waitForMail, type TestUser } from '../setup/factories.js';
import { ALL_SCOPES, awayFromStepEdge, challengeFor, createApiKey, enableMfa, totp, verifyMfa } from './support/auth-flows.js';
import { expectError, expectFieldRejected, http, prismaOf } from './support/authz.js';
import { call, uniqueKeyPrefix, useListeningApp } from './support/live-app.js';

const VERIFY_LINK = '/verify-email#token=';
const RESET_LINK = '/reset-password#token=';
const INVALID_VERIFICATION = 'Invalid or expired verification token';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Everything the API answers with about an account, from the database. */
async function accountRow(app: INestApplication, email: string) {
  return prismaOf(app).user.findUnique({
    where: { email },
    select: { id: true, name: true, passwordHash: true, emailVerifiedAt: true, disabledAt: true, credentialsChangedAt: true, mfaEnabled: true },
  });
}

/**
 * Moves the start of the user's sessions `ms` into the past, as if they had signed in then. The
 * expiry is written too, so the auth_state trigger tells the in-memory session view (which holds
 * the start) to read the row again.
 */
async function startedAgo(app: INestApplication, user: TestUser, ms: number): Promise<void> {
  const data = { createdAt: new Date(Date.now() - ms), expiresAt: new Date(Date.now() + 3_600_000) };
  await prismaOf(app).session.updateMany({ where: { userId: user.id }, data });
  await settleAuthState(app);
}

const mailsTo = (app: INestApplication, to: string) => app.get(MailService).outbox.filter((m) => m.to === to);

describe('API2 account lifecycle (section M)', () => {
  const app = useTestApp();
  const api = {
    register: (email: string, password = strongPassword(), name = 'Lifecycle') => http(app()).post(`${API}/auth/register`).send({ email, password, name }),
    login: (email: string, password: string) => http(app()).post(`${API}/auth/login`).send({ email, password }),
    verify: (token: string) => http(app()).post(`${API}/auth/verify-email`).send({ token }),
    resend: (email: string) => http(app()).post(`${API}/auth/verify-email/resend`).send({ email }),
    forgot: (email: string) => http(app()).post(`${API}/auth/forgot-password`).send({ email }),
    reset: (token: string, password: string) => http(app()).post(`${API}/auth/reset-password`).send({ token, password }),
    me: (token: string) => http(app()).get(`${API}/users/me`).set(bearer(token)),
    meByKey: (key: string) => http(app()).get(`${API}/users/me`).set('X-API-Key', key),
    refresh: (refreshToken: string) => http(app()).post(`${API}/auth/refresh`).send({ refreshToken }),
    changePassword: (user: TestUser, body: object) => http(app()).patch(`${API}/users/me/password`).set(bearer(user.accessToken)).send(body),
    deleteMe: (token: string, body: object) => http(app()).delete(`${API}/users/me`).set(bearer(token)).send(body),
  };

  /** Registers and verifies `email` through the API. */
  async function registerVerifiedAs(email: string, password: string) {
    await registerUnverified(email, password).then(({ token }) => api.verify(token));
  }

  /** Registers `email` with a password and waits for its verification link; the account stays unverified. */
  async function registerUnverified(email: string, password = strongPassword()) {
    const res = await api.register(email, password);
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: REGISTRATION_ACCEPTED });
    const { token } = await waitForMail(app(), email, VERIFY_LINK);
    return { password, token: token ?? '' };
  }

  describe('ACCT-01 email ownership', () => {
    it('ACCT-01 an unverified account: the right password gets 403 Email not verified and no tokens, a wrong one the usual 401', async () => {
      const email = uniqueEmail('acct01');
      const { password, token } = await registerUnverified(email);
      const right = await api.login(email, password);
      expectError(right, 403, 'Email not verified');
      expect(JSON.stringify(right.body)).not.toMatch(/eyJ|accessToken|refreshToken|mfaToken/);
      expect(right.headers['set-cookie']).toBeUndefined();
      expectError(await api.login(email, strongPassword()), 401, 'Invalid credentials');
      expect((await api.verify(token)).status).toBe(204);
      expect((await api.login(email, password)).status).toBe(200);
    });

    it('ACCT-01 the link carries 256 random bits, stored only as SHA-256, valid 24 hours', async () => {
      const email = uniqueEmail('acct01');
      const { token } = await registerUnverified(email);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      const link = mailsTo(app(), email).find((m) => m.text.includes(VERIFY_LINK))?.text ?? '';
      expect(link).toContain(`${app().get(AppConfig).mail.frontendUrl}${VERIFY_LINK}${token}`);
      const user = await accountRow(app(), email);
      const row = await prismaOf(app()).accountToken.findFirstOrThrow({ where: { userId: user!.id, purpose: 'EMAIL_VERIFICATION', usedAt: null } });
      expect(row.tokenHash).toBe(sha256(token));
      expect(JSON.stringify(row)).not.toContain(token);
      const lifetime = row.expiresAt.getTime() - row.createdAt.getTime();
      expect(Math.abs(lifetime - 24 * 3600 * 1000)).toBeLessThan(5000);
    });

    it('ACCT-01 a token works once; used, expired, cancelled and unknown tokens get one generic 400', async () => {
      const email = uniqueEmail('acct01');
      const { token: first } = await registerUnverified(email);
      // A newer mail cancels the older link.
      const before = app().get(MailService).outbox.length;
      expect((await api.resend(email)).status).toBe(202);
      const { token: second } = await waitForMail(app(), email, VERIFY_LINK, before);
      expect(second).not.toBe(first);
      const answers = [await api.verify(first ?? '')];
      expect((await api.verify(second ?? '')).status).toBe(204);
      answers.push(await api.verify(second ?? ''), await api.verify('A'.repeat(43)));
      // Expired: a fresh account's link, moved into the past.
      const other = uniqueEmail('acct01');
      const { token: stale } = await registerUnverified(other);
      await prismaOf(app()).accountToken.update({ where: { tokenHash: sha256(stale) }, data: { expiresAt: new Date(Date.now() - 1000) } });
      answers.push(await api.verify(stale));
      for (const res of answers) expectError(res, 400, INVALID_VERIFICATION);
      expect((await accountRow(app(), other))?.emailVerifiedAt).toBeNull();
      expectFieldRejected(await api.verify('short'), 'token');
    });

    it('ACCT-01 a verification token is no reset token, and the reverse', async () => {
      const email = uniqueEmail('acct01');
      const { token, password } = await registerUnverified(email);
      expectError(await api.reset(token, strongPassword()), 400, 'Invalid or expired reset token');
      expect((await api.verify(token)).status).toBe(204);
      expect((await api.forgot(email)).status).toBe(202);
      const { token: resetToken } = await waitForMail(app(), email, RESET_LINK);
      expectError(await api.verify(resetToken ?? ''), 400, INVALID_VERIFICATION);
      expect((await api.login(email, password)).status).toBe(200);
    });

    it('ACCT-01 resend answers 202 with one body for unknown, verified and waiting addresses; only the waiting one is mailed', async () => {
      const verified = await createUser(app());
      const waiting = uniqueEmail('acct01');
      await registerUnverified(waiting);
      const unknown = uniqueEmail('acct01');
      const counts = () => [mailsTo(app(), verified.email).length, mailsTo(app(), waiting).length, mailsTo(app(), unknown).length];
      const before = counts();
      const outboxBefore = app().get(MailService).outbox.length;
      for (const email of [unknown, verified.email, waiting]) {
        const res = await api.resend(email);
        expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: RESEND_ACCEPTED });
      }
      await waitForMail(app(), waiting, VERIFY_LINK, outboxBefore);
      await sleep(200);
      expect(counts()).toEqual([before[0], (before[1] ?? 0) + 1, 0]);
    });

    describe('mails per address', () => {
      const capped = useTestApp({ ACCOUNT_MAILS_MAX_PER_ADDRESS_PER_HOUR: '2', RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });

      it('ACCT-01 registration and resend mail one address at most ACCOUNT_MAILS_MAX_PER_ADDRESS_PER_HOUR times; the answers never change', async () => {
        const email = uniqueEmail('acct01');
        const register = () => http(capped()).post(`${API}/auth/register`).send({ email, password: strongPassword(), name: 'Capped' });
        const resend = () => http(capped()).post(`${API}/auth/verify-email/resend`).send({ email });
        expect((await register()).status).toBe(202);
        await waitForMail(capped(), email, VERIFY_LINK);
        for (const send of [resend, register, resend, register]) expect((await send()).status).toBe(202);
        await sleep(500);
        expect(mailsTo(capped(), email)).toHaveLength(2);
      });
    });

    it('ACCT-01 completing a password reset proves the address: the account is verified', async () => {
      const email = uniqueEmail('acct01');
      await registerUnverified(email);
      expect((await api.forgot(email)).status).toBe(202);
      const { token } = await waitForMail(app(), email, RESET_LINK);
      const password = strongPassword();
      expect((await api.reset(token ?? '', password)).status).toBe(204);
      expect((await accountRow(app(), email))?.emailVerifiedAt).toBeInstanceOf(Date);
      expect((await api.login(email, password)).status).toBe(200);
    });

    it('ACCT-01 registration is the same 202 for new, taken and unverified addresses, whatever the case or spacing; the accounts stay as they were', async () => {
      const taken = await createUser(app());
      const unverified = uniqueEmail('acct01');
      const { password: unverifiedPassword } = await registerUnverified(unverified);
      const before = [await accountRow(app(), taken.email), await accountRow(app(), unverified)];
      const variants = (email: string) => [email, email.toUpperCase(), `  ${email}  `];
      const answers = [];
      for (const email of [...variants(taken.email), ...variants(unverified), uniqueEmail('acct01')]) {
        const res = await api.register(email);
        answers.push({ status: res.status, body: res.body as unknown, type: res.headers['content-type'] });
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(answers[0]).toEqual({ status: 202, body: REGISTRATION_ACCEPTED, type: expect.stringMatching(/^application\/json/) });
      await waitForMail(app(), taken.email, 'tried to create an account');
      await sleep(300);
      expect([await accountRow(app(), taken.email), await accountRow(app(), unverified)]).toEqual(before);
      expect((await api.login(taken.email, taken.password)).status).toBe(200);
      expectError(await api.login(unverified, unverifiedPassword), 403, 'Email not verified');
    });

    it('ACCT-01 registration takes the same time for new, taken and unverified addresses (medians of 30 within a few ms)', async () => {
      const taken = await createUser(app());
      const unverified = uniqueEmail('acct01');
      await registerUnverified(unverified);
      const timed = async (email: string) => {
        const started = performance.now();
        const res = await api.register(email);
        expect(res.status).toBe(202);
        return performance.now() - started;
      };
      for (let i = 0; i < 3; i++) await Promise.all([timed(taken.email), timed(unverified), timed(uniqueEmail('timing'))]); // warm-up
      const times: Record<'fresh' | 'taken' | 'unverified', number[]> = { fresh: [], taken: [], unverified: [] };
      for (let i = 0; i < 30; i++) {
        times.taken.push(await timed(taken.email));
        times.unverified.push(await timed(unverified));
        times.fresh.push(await timed(uniqueEmail('timing')));
      }
      const medians = Object.values(times).map(median);
      // The work (hashing, inserting, mailing) runs after the response for every address alike.
      expect(Math.max(...medians) - Math.min(...medians)).toBeLessThan(5);
    }, 60_000);
  });

  describe('ACCT-06 every credential change is total', () => {
    it('ACCT-06 a password reset revokes every API key and session', async () => {
      const user = await createUser(app());
      const key = await createApiKey(app(), user, ALL_SCOPES);
      expect((await api.meByKey(key.key)).status).toBe(200);
      expect((await api.forgot(user.email)).status).toBe(202);
      const { token } = await waitForMail(app(), user.email, RESET_LINK);
      expect((await api.reset(token ?? '', strongPassword())).status).toBe(204);
      expectError(await api.meByKey(key.key), 401);
      expectError(await api.me(user.accessToken), 401);
      expectError(await api.refresh(user.refreshToken), 401);
    });

    it('ACCT-06 sign out everywhere revokes every API key too', async () => {
      const user = await createUser(app());
      const key = await createApiKey(app(), user, ALL_SCOPES);
      expect((await http(app()).post(`${API}/auth/logout-all`).set(bearer(user.accessToken))).status).toBe(204);
      expectError(await api.meByKey(key.key), 401);
      expectError(await api.me(user.accessToken), 401);
    });

    it('ACCT-06 a password change keeps API keys unless revokeApiKeys is true', async () => {
      const user = await createUser(app());
      const kept = await createApiKey(app(), user, ALL_SCOPES);
      const password = strongPassword();
      expect((await api.changePassword(user, { currentPassword: user.password, newPassword: password })).status).toBe(204);
      expect((await api.meByKey(kept.key)).status).toBe(200);
      expect((await api.changePassword(user, { currentPassword: password, newPassword: strongPassword(), revokeApiKeys: true })).status).toBe(204);
      expectError(await api.meByKey(kept.key), 401);
      expect((await api.me(user.accessToken)).status).toBe(200); // the session making the change stays
    });

    it('ACCT-06 a reset link mailed before a password change is refused after it', async () => {
      const user = await createUser(app());
      expect((await api.forgot(user.email)).status).toBe(202);
      const { token } = await waitForMail(app(), user.email, RESET_LINK);
      const password = strongPassword();
      expect((await api.changePassword(user, { currentPassword: user.password, newPassword: password })).status).toBe(204);
      expectError(await api.reset(token ?? '', strongPassword()), 400, 'Invalid or expired reset token');
      expect((await api.login(user.email, password)).status).toBe(200);
    });

    it('ACCT-06 an MFA challenge issued before a password change or reset is refused after it', async () => {
      const user = await createUser(app());
      const { secret } = await enableMfa(app(), user);
      const staleChallenge = await challengeFor(app(), user);
      const password = strongPassword();
      expect((await api.changePassword(user, { currentPassword: user.password, newPassword: password })).status).toBe(204);
      expectError(await verifyMfa(app(), staleChallenge, totp(secret, 1)), 401, 'Invalid or expired MFA challenge');
      // A challenge issued after the change works.
      const current = await challengeFor(app(), { ...user, password });
      expect((await verifyMfa(app(), current, totp(secret, 1))).status).toBe(200);
    });

    it('ACCT-06 logins racing a password reset leave no session behind', async () => {
      const user = await createUser(app());
      expect((await api.forgot(user.email)).status).toBe(202);
      const { token } = await waitForMail(app(), user.email, RESET_LINK);
      // Logins with the old password run on both sides of the reset; whichever of them succeeds
      // must hold a session the reset ended, or none.
      const logins = Array.from({ length: 12 }, (_, i) => sleep(i * 15).then(() => api.login(user.email, user.password)));
      const reset = sleep(60).then(() => api.reset(token ?? '', strongPassword()));
      const [resetReply, ...replies] = await Promise.all([reset, ...logins]);
      expect(resetReply.status).toBe(204);
      const signedIn = replies.filter((r) => r.status === 200);
      for (const reply of replies) expect([200, 401]).toContain(reply.status);
      for (const reply of signedIn) {
        expectError(await api.me(reply.body.accessToken), 401);
        expectError(await api.refresh(reply.body.refreshToken), 401);
      }
      const live = await prismaOf(app()).session.count({ where: { userId: user.id, revokedAt: null } });
      expect(live).toBe(0);
    });

    it('ACCT-06 enabling MFA needs a recent sign-in or the password', async () => {
      const user = await createUser(app());
      await startedAgo(app(), user, 11 * 60_000);
      const setup = await http(app()).post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
      const secret = new URL(setup.body.otpauthUrl).searchParams.get('secret') ?? '';
      const enable = (extra: object) => http(app()).post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code: totp(secret, -1), ...extra });
      expectError(await enable({}), 403, 'Recent authentication required: send your password, or sign in again');
      expectError(await enable({ password: strongPassword() }), 401, 'Invalid password');
      await awayFromStepEdge(); // the previous step's code is sent: no step boundary while it is in flight
      expect((await enable({ password: user.password })).status).toBe(200);
    });

    it('ACCT-06 enabling MFA ends the other sessions, not the one enabling it', async () => {
      const user = await createUser(app());
      const other = await login(app(), user.email, user.password);
      await enableMfa(app(), user);
      expectError(await api.me(other.accessToken), 401);
      expectError(await api.refresh(other.refreshToken), 401);
      expect((await api.me(user.accessToken)).status).toBe(200);
    });

    describe('creating an API key needs a recent authentication', () => {
      const strict = useTestApp({ RECENT_AUTHENTICATION_SECONDS: '60' });

      it('ACCT-06 a session older than the window must send the password: none is 403, a wrong one 401, the right one 201', async () => {
        const user = await createUser(strict());
        const create = (extra: object) => http(strict()).post(`${API}/api-keys`).set(bearer(user.accessToken)).send({ name: 'ci', scopes: ['posts:read'], ...extra });
        expect((await create({})).status).toBe(201); // a session younger than the window
        await startedAgo(strict(), user, 61_000);
        expectError(await create({}), 403, 'Recent authentication required: send your password, or sign in again');
        expectError(await create({ password: strongPassword() }), 401, 'Invalid password');
        expect((await create({ password: user.password })).status).toBe(201);
        expect(await prismaOf(strict()).apiKey.count({ where: { userId: user.id } })).toBe(2);
      });
    });
  });

  describe('ACCT-07 guessing the current password spends the login failure budget', () => {
    const limited = useTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });

    it('ACCT-07 PATCH /users/me/password: wrong current passwords reach 429, then even the right one is 429', async () => {
      const user = await createUser(limited());
      const change = (currentPassword: string) => http(limited()).patch(`${API}/users/me/password`).set(bearer(user.accessToken)).send({ currentPassword, newPassword: strongPassword() });
      for (let i = 0; i < 3; i++) expectError(await change(strongPassword()), 401, 'Current password is incorrect');
      const refused = await change(user.password);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      // The budget is the login one: the account is locked there too (the usual 401).
      expectError(await http(limited()).post(`${API}/auth/login`).send({ email: user.email, password: user.password }), 401, 'Invalid credentials');
    });

    it('ACCT-07 POST /auth/mfa/disable: one message whether the password or the code was wrong; wrong passwords reach 429', async () => {
      const user = await createUser(limited());
      const { secret } = await enableMfa(limited(), user);
      const disable = (password: string, code: string) => http(limited()).post(`${API}/auth/mfa/disable`).set(bearer(user.accessToken)).send({ password, code });
      const wrongPassword = await disable(strongPassword(), totp(secret));
      const wrongCode = await disable(user.password, '000000');
      expectError(wrongPassword, 401, 'Invalid password or code');
      expectError(wrongCode, 401, 'Invalid password or code');
      expectError(await disable(strongPassword(), totp(secret)), 401, 'Invalid password or code');
      expectError(await disable(strongPassword(), totp(secret)), 401, 'Invalid password or code');
      expect((await disable(user.password, totp(secret, 1))).status).toBe(429);
      expect((await prismaOf(limited()).user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabled).toBe(true);
    });
  });

  describe('ACCT-08 addresses that cannot be confused', () => {
    const tag = `lookalike${Date.now().toString(36)}`;
    it.each([
      ['a zero-width space', `${tag}\u200Ba@example.com`],
      ['a zero-width joiner', `${tag}\u200Db@example.com`],
      ['a right-to-left mark', `\u200F${tag}c@example.com`],
      ['a soft hyphen', `${tag}\u00ADd@example.com`],
      ['a Hangul filler', `${tag}\u3164g@example.com`],
      ['a combining grapheme joiner', `${tag}\u034Fh@example.com`],
      ['a variation selector', `${tag}\uFE0Fi@example.com`],
      ['a blank Braille pattern', `${tag}\u2800j@example.com`],
      ['a quoted local part', `"${tag}e"@example.com`],
      ['a quoted local part with spaces', `"${tag} f"@example.com`],
    ])('ACCT-08 %s is refused with 400 on register, login, reset and resend', async (_what, email) => {
      for (const route of ['register', 'login', 'forgot-password', 'verify-email/resend']) {
        const body = route === 'register' ? { email, password: strongPassword(), name: 'Look Alike' } : route === 'login' ? { email, password: strongPassword() } : { email };
        const res = await http(app()).post(`${API}/auth/${route}`).send(body);
        expect(res.status).toBe(400);
        expect(res.body.details ?? []).toContainEqual({ field: 'email', message: expect.any(String) });
      }
      expect(await prismaOf(app()).user.count({ where: { email: { contains: tag } } })).toBe(0);
    });

    it('ACCT-08 an internationalised domain is one address whether written in Unicode or in its xn-- form', async () => {
      const local = `idn${Date.now().toString(36)}`;
      const password = strongPassword();
      const unicode = `${local}@bücher.example`;
      await registerVerifiedAs(unicode, password);
      const before = app().get(MailService).outbox.length;
      const res = await api.register(`${local}@xn--bcher-kva.example`);
      expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: REGISTRATION_ACCEPTED });
      await waitForMail(app(), unicode, 'tried to create an account', before);
      expect(await prismaOf(app()).user.count({ where: { email: { startsWith: `${local}@` } } })).toBe(1);
      expect((await api.login(`${local}@XN--BCHER-KVA.example`, password)).status).toBe(200);
    });

    it('ACCT-08 a full-width or upper-case look-alike is the same address: 202, the owner is told, nothing is created', async () => {
      const owner = await createUser(app());
      const [local, domain] = owner.email.split('@') as [string, string];
      const fullWidth = [...local].map((c) => (/[a-z0-9]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
      const lookAlike = `${fullWidth.toUpperCase()}@${domain}`;
      expect(lookAlike).not.toBe(owner.email);
      const before = app().get(MailService).outbox.length;
      const res = await api.register(lookAlike);
      expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: REGISTRATION_ACCEPTED });
      await waitForMail(app(), owner.email, 'tried to create an account', before);
      expect(await prismaOf(app()).user.count({ where: { email: { endsWith: `@${domain}`, contains: local.slice(0, 12) } } })).toBe(1);
      // And the look-alike signs in to the same account.
      expect((await api.login(lookAlike, owner.password)).status).toBe(200);
    });
  });

  describe('ACCT-04 account export', () => {
    const limited = useTestApp({ ACCOUNT_EXPORT_PER_HOUR: '2', RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });

    it("ACCT-04 the export holds the user's own data and no secret or hash of any kind", async () => {
      const user = await createUser(app());
      const other = await createUser(app());
      const post = await createPost(app(), user, { title: 'Exported draft' });
      const othersPost = await createPost(app(), other, { title: 'Not mine', isPublished: true });
      const mine = await http(app()).post(`${API}/posts/${othersPost.id}/comments`).set(bearer(user.accessToken)).send({ content: 'my comment' });
      await http(app()).post(`${API}/posts/${othersPost.id}/comments`).set(bearer(other.accessToken)).send({ content: 'their comment' });
      const key = await createApiKey(app(), user, ALL_SCOPES);
      const { secret, recoveryCodes } = await enableMfa(app(), user);
      const res = await http(app()).get(`${API}/users/me/export`).set(bearer(user.accessToken));
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="account-export.json"');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.profile).toMatchObject({ id: user.id, email: user.email, mfaEnabled: true, emailVerified: true, status: 'active' });
      expect(res.body.posts.map((p: { id: string }) => p.id)).toEqual([post.id]);
      expect(res.body.comments.map((c: { id: string }) => c.id)).toEqual([mine.body.id]);
      expect(res.text).not.toContain('their comment');
      expect(res.body.apiKeys.map((k: { id: string }) => k.id)).toEqual([key.id]);
      expect(res.body.sessions.length).toBeGreaterThan(0);
      expect(res.body.auditEvents.length).toBeGreaterThan(0);
      expect(res.body.auditEvents.every((e: { type: string }) => typeof e.type === 'string')).toBe(true);

      // Every secret the database holds for this user, and the ones handed out: none in the body.
      const prisma = prismaOf(app());
      const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
      const hashes = [
        row.passwordHash ?? 'no password hash',
        ...(await prisma.refreshToken.findMany({ where: { session: { userId: user.id } }, select: { tokenHash: true } })).map((t) => t.tokenHash),
        ...(await prisma.apiKey.findMany({ where: { userId: user.id }, select: { keyHash: true } })).map((k) => k.keyHash),
        ...(await prisma.mfaRecoveryCode.findMany({ where: { userId: user.id }, select: { codeHash: true } })).map((c) => c.codeHash),
        ...(await prisma.accountToken.findMany({ where: { userId: user.id }, select: { tokenHash: true } })).map((t) => t.tokenHash),
        (await prisma.mfaSecret.findUniqueOrThrow({ where: { userId: user.id } })).ciphertext,
      ];
      const handedOut = [user.password, user.accessToken, user.refreshToken, key.key, secret, ...recoveryCodes];
      for (const value of [...hashes, ...handedOut]) expect(res.text).not.toContain(value);
      expect(res.text).not.toMatch(/\$argon2|eyJ[\w-]+\.|[0-9a-f]{64}|sk_[\w-]{30,}/);
      expect(res.text).not.toContain(other.email);
      expect(res.text).not.toMatch(/passwordHash|keyHash|tokenHash|codeHash|ciphertext/i);
    });

    it('ACCT-04 a prolific author gets the newest posts within the size budget, marked truncated', async () => {
      const user = await createUser(app());
      const big = 'x'.repeat(49_990);
      const ids: string[] = [];
      for (let i = 0; i < 81; i++) ids.push((await createPost(app(), user, { title: `Long post ${i}`, content: big })).id);
      const res = await http(app()).get(`${API}/users/me/export`).set(bearer(user.accessToken));
      expect(res.status).toBe(200);
      expect(res.body.truncated).toBe(true);
      const exported = res.body.posts.map((p: { id: string }) => p.id);
      expect(exported.length).toBeGreaterThan(70);
      expect(exported.length).toBeLessThan(81);
      expect(exported).toEqual(ids.slice(-exported.length).reverse());
    }, 60_000);

    it('ACCT-04 comments have their own size budget in the export, newest first, marked truncated', async () => {
      const user = await createUser(app());
      const post = await createPost(app(), user, { isPublished: true });
      await prismaOf(app()).comment.createMany({
        data: Array.from({ length: 820 }, (_, i) => ({ postId: post.id, authorId: user.id, content: 'c'.repeat(4990), createdAt: new Date(Date.now() - (820 - i) * 1000) })),
      });
      const res = await http(app()).get(`${API}/users/me/export`).set(bearer(user.accessToken));
      expect(res.status).toBe(200);
      expect(res.body.truncated).toBe(true);
      expect(res.body.comments.length).toBeGreaterThan(790);
      expect(res.body.comments.length).toBeLessThan(820);
      const times = res.body.comments.map((c: { createdAt: string }) => c.createdAt);
      expect(times).toEqual([...times].sort().reverse());
    }, 60_000);

    it('ACCT-04 the export is refused to API keys and has its own budget per user', async () => {
      const user = await createUser(limited());
      const key = await createApiKey(limited(), user, ALL_SCOPES);
      expectError(await http(limited()).get(`${API}/users/me/export`).set('X-API-Key', key.key), 403);
      for (let i = 0; i < 2; i++) expect((await http(limited()).get(`${API}/users/me/export`).set(bearer(user.accessToken))).status).toBe(200);
      const refused = await http(limited()).get(`${API}/users/me/export`).set(bearer(user.accessToken));
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      // Another user's budget is their own.
      const other = await createUser(limited());
      expect((await http(limited()).get(`${API}/users/me/export`).set(bearer(other.accessToken))).status).toBe(200);
    });
  });

  describe('ACCT-03 account deletion', () => {
    it('ACCT-03 needs the password: none or a wrong one is 401 and changes nothing', async () => {
      const user = await createUser(app());
      expectError(await api.deleteMe(user.accessToken, {}), 401, 'Invalid password or code');
      expectError(await api.deleteMe(user.accessToken, { password: strongPassword() }), 401, 'Invalid password or code');
      expect(await accountRow(app(), user.email)).not.toBeNull();
      const key = await createApiKey(app(), user, ALL_SCOPES);
      expectError(await http(app()).delete(`${API}/users/me`).set('X-API-Key', key.key).send({ password: user.password }), 403);
      expect(await accountRow(app(), user.email)).not.toBeNull();
    });

    it('ACCT-03 with MFA on, the code is needed too', async () => {
      const user = await createUser(app());
      const { secret } = await enableMfa(app(), user);
      expectError(await api.deleteMe(user.accessToken, { password: user.password }), 401, 'Invalid password or code');
      expectError(await api.deleteMe(user.accessToken, { password: user.password, code: '000000' }), 401, 'Invalid password or code');
      expect((await api.deleteMe(user.accessToken, { password: user.password, code: totp(secret, 1) })).status).toBe(204);
      expect(await accountRow(app(), user.email)).toBeNull();
    });

    it('ACCT-03 deletes the data, keeps the audit trail without the email or name, and mails a notice', async () => {
      const user = await createUser(app());
      const post = await createPost(app(), user);
      const key = await createApiKey(app(), user, ALL_SCOPES);
      const prisma = prismaOf(app());
      expect((await api.deleteMe(user.accessToken, { password: user.password })).status).toBe(204);
      expectError(await api.me(user.accessToken), 401);
      expectError(await api.refresh(user.refreshToken), 401);
      expectError(await api.meByKey(key.key), 401);
      expectError(await api.login(user.email, user.password), 401, 'Invalid credentials');
      expect(await prisma.post.count({ where: { id: post.id } })).toBe(0);
      expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
      expect(await prisma.apiKey.count({ where: { userId: user.id } })).toBe(0);
      expect(await prisma.accountToken.count({ where: { userId: user.id } })).toBe(0);
      await sleep(100); // audit rows are written in the background
      const audit = await prisma.auditEvent.findMany({ where: { userId: user.id } });
      expect(audit.map((e) => e.type)).toEqual(expect.arrayContaining(['USER_REGISTERED', 'LOGIN_SUCCESS', 'ACCOUNT_DELETED']));
      expect(JSON.stringify(audit)).not.toContain(user.email);
      expect(JSON.stringify(audit)).not.toContain(user.name);
      await waitForMail(app(), user.email, 'were just deleted');
    });

    it('ACCT-03 requests racing the deletion with the account\'s API key get a 4xx (401, or 404 once the account is gone), never a 500', async () => {
      const seen = new Set<number>();
      for (let round = 0; round < 10; round++) {
        const user = await createUser(app());
        const key = await createApiKey(app(), user, ALL_SCOPES);
        const deleted = api.deleteMe(user.accessToken, { password: user.password });
        const racing = Array.from({ length: 24 }, (_, ms) => sleep(ms).then(() => api.meByKey(key.key)));
        const [gone, ...answers] = await Promise.all([deleted, ...racing]);
        expect(gone.status).toBe(204);
        for (const res of answers) seen.add(res.status);
      }
      expect([...seen].filter((status) => status >= 500)).toEqual([]);
      expect([...seen].every((status) => [200, 401, 403, 404].includes(status))).toBe(true);
    }, 60_000);

    describe('an account without a password', () => {
      const strict = useTestApp({ RECENT_AUTHENTICATION_SECONDS: '60' });

      it('ACCT-03 needs a session started within the window instead', async () => {
        const user = await createUser(strict());
        await prismaOf(strict()).user.update({ where: { id: user.id }, data: { passwordHash: null } });
        await startedAgo(strict(), user, 61_000);
        expectError(
          await http(strict()).delete(`${API}/users/me`).set(bearer(user.accessToken)).send({}),
          403,
          'Recent authentication required: send your password, or sign in again',
        );
        await startedAgo(strict(), user, 0);
        expect((await http(strict()).delete(`${API}/users/me`).set(bearer(user.accessToken)).send({})).status).toBe(204);
      });
    });
  });

  describe('ACCT-05 disabled accounts', () => {
    it('ACCT-05 tokens, refresh and keys die at once; login is the usual 401; a reset mails nothing; enabling again lets the user sign in', async () => {
      const admin = await createUser(app(), Role.admin);
      const user = await createUser(app());
      const key = await createApiKey(app(), user, ALL_SCOPES);
      const status = (target: string, value: string) =>
        http(app()).patch(`${API}/admin/users/${target}/status`).set(bearer(admin.accessToken)).send({ status: value });
      expect((await api.me(user.accessToken)).status).toBe(200);
      const disabled = await status(user.id, 'disabled');
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ id: user.id, status: 'disabled' });
      expectError(await api.me(user.accessToken), 401);
      expectError(await api.refresh(user.refreshToken), 401);
      expectError(await api.meByKey(key.key), 401);
      expectError(await api.login(user.email, user.password), 401, 'Invalid credentials');
      const before = mailsTo(app(), user.email).length;
      expect((await api.forgot(user.email)).status).toBe(202);
      await sleep(300);
      expect(mailsTo(app(), user.email)).toHaveLength(before);

      const enabled = await status(user.id, 'active');
      expect(enabled.body).toMatchObject({ id: user.id, status: 'active' });
      const tokens = await login(app(), user.email, user.password);
      expect((await api.me(tokens.accessToken)).status).toBe(200);
      // Keys were revoked, not paused: an intruder's key does not come back with the account.
      expectError(await api.meByKey(key.key), 401);
      const events = await prismaOf(app()).auditEvent.findMany({ where: { userId: admin.id, type: { in: ['USER_DISABLED', 'USER_ENABLED'] } } });
      expect(events.map((e) => e.type).sort()).toEqual(['USER_DISABLED', 'USER_ENABLED']);
    });

    it('ACCT-05 only users:manage may change a status; bad values are 400', async () => {
      const moderator = await createUser(app(), Role.moderator);
      const user = await createUser(app());
      const admin = await createUser(app(), Role.admin);
      expectError(await http(app()).patch(`${API}/admin/users/${user.id}/status`).set(bearer(moderator.accessToken)).send({ status: 'disabled' }), 403);
      expectFieldRejected(await http(app()).patch(`${API}/admin/users/${user.id}/status`).set(bearer(admin.accessToken)).send({ status: 'banned' }), 'status');
      expect((await api.me(user.accessToken)).status).toBe(200);
    });

    it('ACCT-05 no admin can disable themselves, however the id is spelled', async () => {
      const admin = await createUser(app(), Role.admin);
      for (const id of [admin.id, admin.id.toUpperCase()]) {
        expectError(await http(app()).patch(`${API}/admin/users/${id}/status`).set(bearer(admin.accessToken)).send({ status: 'disabled' }), 409, 'Admins cannot disable their own account');
      }
      expect((await api.me(admin.accessToken)).status).toBe(200);
    });
  });

  /**
   * "The last admin" needs a database where this test knows every admin (the other suites create
   * admins at any moment on the shared one): the real app on a database of its own.
   */
  describe('ACCT-03 and ACCT-05 the last admin (on an isolated database)', () => {
    let iso: INestApplication;
    let database: string;
    let serverUrl: string;

    beforeAll(async () => {
      serverUrl = app().get(AppConfig).database.url;
      database = `${new URL(serverUrl).pathname.slice(1)}_lifecycle`;
      const url = await ensureDatabase(serverUrl, database);
      migrateDeploy(url);
      iso = await createTestApp({ DATABASE_URL: url });
    }, 60_000);
    afterAll(async () => {
      await iso?.close();
      await dropDatabase(serverUrl, database);
    });

    it('ACCT-03 ACCT-05 the last admin can neither delete their account nor be disabled; with a second admin both work', async () => {
      const first = await createUser(iso, Role.admin);
      expectError(await http(iso).delete(`${API}/users/me`).set(bearer(first.accessToken)).send({ password: first.password }), 409, 'The last admin cannot delete their account');
      const second = await createUser(iso, Role.admin);
      expect((await http(iso).patch(`${API}/admin/users/${first.id}/status`).set(bearer(second.accessToken)).send({ status: 'disabled' })).status).toBe(200);
      // `second` is now the last active admin: nobody can disable or delete them.
      const third = await createUser(iso, Role.admin);
      expect((await http(iso).patch(`${API}/admin/users/${third.id}/role`).set(bearer(second.accessToken)).send({ role: Role.user })).status).toBe(200);
      expectError(await http(iso).delete(`${API}/users/me`).set(bearer(second.accessToken)).send({ password: second.password }), 409, 'The last admin cannot delete their account');
      expect(await prismaOf(iso).user.count({ where: { role: Role.admin, disabledAt: null } })).toBe(1);
      expect((await http(iso).patch(`${API}/admin/users/${first.id}/status`).set(bearer(second.accessToken)).send({ status: 'active' })).status).toBe(200);
      expect((await http(iso).delete(`${API}/users/me`).set(bearer(second.accessToken)).send({ password: second.password })).status).toBe(204);
      expect(await prismaOf(iso).user.count({ where: { role: Role.admin } })).toBe(1);
    });
  });
});

/**
 * Two instances on one database (and one Redis when REDIS_URL is set, as in CI): what ends an
 * account's credentials reaches the other instance through PostgreSQL's auth_state notices.
 */
describe('ACCT-03 ACCT-05 on two instances', () => {
  const shared = { RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() };
  const first = useListeningApp(shared);
  const second = useListeningApp(shared);

  /** Every credential of the user, on both instances: the status of each answer. */
  async function statuses(user: TestUser, key: string): Promise<number[]> {
    const answers = [];
    for (const instance of [first, second]) {
      answers.push(
        (await call(instance(), 'GET', `${API}/users/me`, { token: user.accessToken })).status,
        (await call(instance(), 'GET', `${API}/users/me`, { apiKey: key })).status,
      );
    }
    answers.push((await call(second(), 'POST', `${API}/auth/refresh`, { body: { refreshToken: user.refreshToken } })).status);
    return answers;
  }

  it('ACCT-03 after a deletion on one instance, the very next request with any token or key is 401 on both', async () => {
    const user = await createUser(first());
    const key = await createApiKey(first(), user, ALL_SCOPES);
    expect((await call(second(), 'GET', `${API}/users/me`, { token: user.accessToken })).status).toBe(200); // cached there now
    const deleted = await call(first(), 'DELETE', `${API}/users/me`, { token: user.accessToken, body: { password: user.password } });
    expect(deleted.status).toBe(204);
    expect(await statuses(user, key.key)).toEqual([401, 401, 401, 401, 401]);
  });

  it('ACCT-05 after disabling on one instance, the very next request with any token or key is 401 on both', async () => {
    const admin = await createUser(first(), Role.admin);
    const user = await createUser(first());
    const key = await createApiKey(first(), user, ALL_SCOPES);
    expect((await call(second(), 'GET', `${API}/users/me`, { token: user.accessToken })).status).toBe(200);
    const disabled = await call(first(), 'PATCH', `${API}/admin/users/${user.id}/status`, { token: admin.accessToken, body: { status: 'disabled' } });
    expect(disabled.status).toBe(200);
    expect(await statuses(user, key.key)).toEqual([401, 401, 401, 401, 401]);
  });
});
