/**
 * Checklist E (MFA-01..MFA-05), AUTH-07 and JWT-06's MFA-pending token: TOTP second factor,
 * black-box through the API plus grey-box checks of the database (encrypted secret, hashed
 * recovery codes) and challenge tokens forged with the run's signing key.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { SecretCipher } from '../../src/modules/auth/mfa/secret-cipher.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, type TestUser } from '../setup/factories.js';
import {
  challengeFor,
  decodeJwt,
  enableMfa,
  passwordStep,
  secretOf,
  signJwt,
  testSigningKey,
  totp,
  verifyMfa,
  wrongCode,
  type Json,
} from './support/auth-flows.js';
import { expectError } from './support/authz.js';
import { call, expectTooMany, useListeningApp, type Reply } from './support/live-app.js';

const now = () => Math.floor(Date.now() / 1000);

/** The MFA encryption keys the run's apps use (MFA_ENCRYPTION_KEYS: `id:<base64>` entries). */
function configuredMfaKeys(): Map<string, Buffer> {
  const entries = (process.env.MFA_ENCRYPTION_KEYS ?? '').split(',').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf(':')), Buffer.from(entry.slice(entry.indexOf(':') + 1), 'base64')]));
}

/** A successful login answer: a token pair. */
function expectTokens(res: Response): void {
  expect({ status: res.status, tokenType: res.body.tokenType }).toEqual({ status: 200, tokenType: 'Bearer' });
  expect(res.body.accessToken).toEqual(expect.any(String));
  expect(res.body.refreshToken).toEqual(expect.any(String));
}

describe('TOTP MFA (checklist E, MFA-01..MFA-05; AUTH-07; JWT-06)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());
  const prisma = () => getApp().get(PrismaService);
  const mfaUser = async () => {
    const user = await createUser(getApp());
    return { user, ...(await enableMfa(getApp(), user)) };
  };

  describe('MFA-01 the password step yields only a short-lived, single-purpose challenge', () => {
    it('MFA-01 the password step returns only { mfaRequired, mfaToken }: no token pair, no cookie', async () => {
      const { user } = await mfaUser();
      const res = await passwordStep(getApp(), user);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('MFA-01 / JWT-06 the challenge is refused as a bearer, a refresh token and an API key on other routes', async () => {
      const { user, secret } = await mfaUser();
      const challenge = await challengeFor(getApp(), user);
      for (const [method, path] of [
        ['get', '/users/me'],
        ['get', '/auth/sessions'],
        ['get', '/api-keys'],
        ['get', '/posts'],
        ['post', '/auth/mfa/setup'],
        ['post', '/auth/logout'],
      ] as const) {
        const res = await http()[method](`${API}${path}`).set(bearer(challenge));
        expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 401 });
      }
      expectError(await http().get(`${API}/users/me`).set('X-API-Key', challenge), 401);
      const asCookie = await http().post(`${API}/auth/refresh`).set('Cookie', `__Host-refresh_token=${challenge}`).send({});
      expectError(asCookie, 401);
      const inBody = await http().post(`${API}/auth/refresh`).send({ refreshToken: challenge });
      expect([400, 401]).toContain(inBody.status);
      expect(inBody.body.accessToken).toBeUndefined();
      // Control: the challenge itself was valid all along, for /auth/mfa/verify.
      expectTokens(await verifyMfa(getApp(), challenge, totp(secret)));
    });

    it('MFA-01 the challenge lives at most 300 s, has its own typ and audience, and an expired one is refused', async () => {
      const { user, secret } = await mfaUser();
      const real = decodeJwt(await challengeFor(getApp(), user));
      const access = decodeJwt(user.accessToken);
      expect(real.header.typ).toBe('mfa-challenge+jwt');
      expect(real.payload.aud).not.toEqual(access.payload.aud);
      expect(real.payload.sub).toBe(user.id);
      expect(Number(real.payload.exp) - Number(real.payload.iat)).toBeLessThanOrEqual(300);
      expect(Number(real.payload.exp)).toBeLessThanOrEqual(now() + 300);

      const key = testSigningKey();
      const forged = (claims: Json) => signJwt(real.header, { ...real.payload, jti: randomUUID(), ...claims }, key);
      const expired = await verifyMfa(getApp(), forged({ iat: now() - 600, exp: now() - 300 }), totp(secret));
      expectError(expired, 401);
      // Issued over 5 minutes ago but claiming a later exp: still too old.
      const stretched = await verifyMfa(getApp(), forged({ iat: now() - 400, exp: now() + 600 }), totp(secret));
      expectError(stretched, 401);
      // Control: the same forgery with fresh times is accepted, so only the times made the difference.
      expectTokens(await verifyMfa(getApp(), forged({ iat: now(), exp: now() + 300 }), totp(secret)));
    });
  });

  describe('MFA-02 a code works once', () => {
    it('MFA-02 the same valid code twice: the second is 401 in a new challenge, and the spent challenge is dead', async () => {
      const { user, secret } = await mfaUser();
      const code = totp(secret);
      const challenge = await challengeFor(getApp(), user);
      expectTokens(await verifyMfa(getApp(), challenge, code));
      expectError(await verifyMfa(getApp(), await challengeFor(getApp(), user), code), 401, 'Invalid code');
      // A challenge that completed a login works once, even with a fresh valid code.
      expectError(await verifyMfa(getApp(), challenge, totp(secret, 1)), 401, 'Invalid or expired MFA challenge');
    });

    it('MFA-02 one fresh code sent twice at the same time on two challenges: exactly one login', async () => {
      const { user, secret } = await mfaUser();
      const [first, second] = [await challengeFor(getApp(), user), await challengeFor(getApp(), user)];
      const code = totp(secret, 1);
      const answers = await Promise.all([verifyMfa(getApp(), first, code), verifyMfa(getApp(), second, code)]);
      expect(answers.map((res) => res.status).sort()).toEqual([200, 401]);
    });
  });

  describe('MFA-03 old codes', () => {
    it('MFA-03 a code two or more steps old is 401, and so is an older code once a newer one was used', async () => {
      const { user, secret } = await mfaUser();
      // Forget the step the enable code used, so only the code's age can refuse it.
      await prisma().mfaSecret.update({ where: { userId: user.id }, data: { lastUsedStep: null } });
      const challenge = await challengeFor(getApp(), user);
      for (const stepsAgo of [2, 3, 10]) expectError(await verifyMfa(getApp(), challenge, totp(secret, -stepsAgo)), 401, 'Invalid code');
      expectTokens(await verifyMfa(getApp(), challenge, totp(secret)));
      expectError(await verifyMfa(getApp(), await challengeFor(getApp(), user), totp(secret, -1)), 401, 'Invalid code');
    });
  });

  describe('MFA-04 wrong codes are limited per account', () => {
    const limit = 5;
    const app = useListeningApp({ MFA_MAX_FAILURES_PER_ACCOUNT: String(limit), RATE_LIMIT_MFA_VERIFY_PER_MINUTE: '1000' });
    const challengeFrom = async (user: TestUser, from: string) => {
      const res = await call(app(), 'POST', `${API}/auth/login`, { from, body: { email: user.email, password: user.password } });
      expect(res.body.mfaRequired).toBe(true);
      return String(res.body.mfaToken);
    };
    const verifyFrom = (from: string, mfaToken: string, code: string): Promise<Reply> => call(app(), 'POST', `${API}/auth/mfa/verify`, { from, body: { mfaToken, code } });

    it('MFA-04 wrong codes are 401 up to the limit, then 429 with Retry-After even for the right code, across challenges and IPs', async () => {
      const user = await createUser(app());
      const { secret, recoveryCodes } = await enableMfa(app(), user);
      const wrong = wrongCode(secret);
      const first = await challengeFrom(user, '127.0.0.1');
      for (let i = 0; i < 3; i += 1) expect((await verifyFrom('127.0.0.1', first, wrong)).status).toBe(401);
      // A new challenge from another address does not start a new count.
      const second = await challengeFrom(user, '127.0.0.2');
      for (let i = 3; i < limit; i += 1) expect((await verifyFrom('127.0.0.2', second, wrong)).status).toBe(401);
      const third = await challengeFrom(user, '127.0.0.3');
      expectTooMany(await verifyFrom('127.0.0.3', third, totp(secret)), 900);
      expectTooMany(await verifyFrom('127.0.0.3', third, recoveryCodes[0] ?? ''), 900);
      expectTooMany(await verifyFrom('127.0.0.1', first, totp(secret, 1)), 900);
    });

    it('MFA-04 the count is per account: another account at the same address still logs in', async () => {
      const victim = await createUser(app());
      const { secret: victimSecret } = await enableMfa(app(), victim);
      const victimChallenge = await challengeFrom(victim, '127.0.0.4');
      for (let i = 0; i < limit; i += 1) await verifyFrom('127.0.0.4', victimChallenge, wrongCode(victimSecret));
      expect((await verifyFrom('127.0.0.4', victimChallenge, totp(victimSecret))).status).toBe(429);

      const other = await createUser(app());
      const { secret } = await enableMfa(app(), other);
      const challenge = await challengeFrom(other, '127.0.0.4');
      expect((await verifyFrom('127.0.0.4', challenge, wrongCode(secret))).status).toBe(401);
      const ok = await verifyFrom('127.0.0.4', challenge, totp(secret));
      expect({ status: ok.status, tokenType: ok.body.tokenType }).toEqual({ status: 200, tokenType: 'Bearer' });
    });
  });

  describe('MFA-05 secret and recovery codes', () => {
    it('MFA-05 the secret has >= 160 bits and is stored only AES-GCM encrypted, with a key id, bound to its owner', async () => {
      const user = await createUser(getApp());
      const setup = await http().post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
      expect(setup.status).toBe(200);
      const secret = secretOf(setup.body.otpauthUrl);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 characters = 160 bits

      const row = await prisma().mfaSecret.findUniqueOrThrow({ where: { userId: user.id } });
      expect(row.enabledAt).toBeNull();
      expect(JSON.stringify(row).toUpperCase()).not.toContain(secret);
      const [iv, body, tag] = row.ciphertext.split('.').map((part) => Buffer.from(part, 'base64url'));
      expect(row.ciphertext).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect({ iv: iv?.length, tag: tag?.length }).toEqual({ iv: 12, tag: 16 });
      expect(body?.length).toBeGreaterThan(0);

      const keys = configuredMfaKeys();
      const key = keys.get(row.keyId);
      expect(key).toBeDefined();
      const sealed = { ciphertext: row.ciphertext, keyId: row.keyId };
      expect(new SecretCipher(new Map([[row.keyId, key ?? Buffer.alloc(0)]]), row.keyId).open(sealed, user.id)).toBe(secret);
      expect(() => new SecretCipher(new Map([[row.keyId, randomBytes(32)]]), row.keyId).open(sealed, user.id)).toThrow();
      expect(() => new SecretCipher(keys, row.keyId).open(sealed, randomUUID())).toThrow();
    });

    it('MFA-05 MFA is not on until a valid code: setup alone or a wrong code still logs in with tokens', async () => {
      const user = await createUser(getApp());
      const setup = await http().post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
      const secret = secretOf(setup.body.otpauthUrl);
      expectTokens(await passwordStep(getApp(), user));
      const wrong = await http().post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code: wrongCode(secret) });
      expectError(wrong, 401);
      expectTokens(await passwordStep(getApp(), user));
      expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabled).toBe(false);

      const enable = await http().post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code: totp(secret) });
      expect(enable.status).toBe(200);
      expect((await passwordStep(getApp(), user)).body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    });

    it('MFA-05 once enabled, setup is 409, the secret is never returned again and stays unchanged', async () => {
      const { user, secret } = await mfaUser();
      const before = await prisma().mfaSecret.findUniqueOrThrow({ where: { userId: user.id } });
      const again = await http().post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
      expectError(again, 409);
      const after = await prisma().mfaSecret.findUniqueOrThrow({ where: { userId: user.id } });
      expect(after).toEqual(before);

      const challenge = await passwordStep(getApp(), user);
      const login = await verifyMfa(getApp(), challenge.body.mfaToken, totp(secret));
      expectTokens(login);
      const me = await http().get(`${API}/users/me`).set(bearer(login.body.accessToken));
      for (const res of [again, challenge, login, me]) expect(res.text.toUpperCase()).not.toContain(secret);
    });

    it('MFA-05 ten recovery codes, each single-use, stored only as SHA-256 hashes', async () => {
      const { user, recoveryCodes } = await mfaUser();
      expect(new Set(recoveryCodes).size).toBe(10);
      const rows = await prisma().mfaRecoveryCode.findMany({ where: { userId: user.id } });
      expect(rows).toHaveLength(10);
      for (const row of rows) expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
      const stored = JSON.stringify(rows).toUpperCase().replaceAll('-', '');
      for (const code of recoveryCodes) expect(stored).not.toContain(code.toUpperCase().replaceAll('-', ''));

      const [code, other] = recoveryCodes as [string, string];
      expectTokens(await verifyMfa(getApp(), await challengeFor(getApp(), user), code));
      expect(await prisma().mfaRecoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
      expectError(await verifyMfa(getApp(), await challengeFor(getApp(), user), code), 401, 'Invalid code');
      expectError(await verifyMfa(getApp(), await challengeFor(getApp(), user), code.toLowerCase().replaceAll('-', '')), 401, 'Invalid code');
      expectTokens(await verifyMfa(getApp(), await challengeFor(getApp(), user), other));
    });
  });

  describe('AUTH-07 turning MFA off needs the password and a code', () => {
    const disable = (user: TestUser, body: Json) => http().post(`${API}/auth/mfa/disable`).set(bearer(user.accessToken)).send(body);
    const mfaIsOn = async (user: TestUser) => {
      expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).mfaEnabled).toBe(true);
      expect((await passwordStep(getApp(), user)).body.mfaRequired).toBe(true);
    };

    it('AUTH-07 the right password with a wrong code is 401 and MFA stays on', async () => {
      const { user, secret } = await mfaUser();
      expectError(await disable(user, { password: user.password, code: wrongCode(secret) }), 401);
      await mfaIsOn(user);
    });

    it('AUTH-07 a stolen access token alone cannot disable MFA or replace the secret', async () => {
      const { user, secret } = await mfaUser();
      const code = totp(secret);
      expect((await disable(user, {})).status).toBe(400);
      expect((await disable(user, { code })).status).toBe(400);
      expectError(await disable(user, { password: 'a guessed password', code }), 401);
      expectError(await http().post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken)), 409);
      expectError(await http().post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code }), 409);
      await mfaIsOn(user);
      // Control: with both factors it works.
      expect((await disable(user, { password: user.password, code })).status).toBe(204);
      expectTokens(await passwordStep(getApp(), user));
    });
  });
});
