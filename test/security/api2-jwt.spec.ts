/**
 * Checklist section B (JWT-01..JWT-09): access tokens, attacked black-box through GET /users/me,
 * plus grey-box forgeries signed with the real test key (JWT_PRIVATE_KEY_FILE from global setup).
 */
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import request, { type Response } from 'supertest';
import { AppConfig } from '../../src/config/app-config.js';
import { jwkThumbprint } from '../../src/modules/auth/tokens/signing-keys.service.js';
import { createTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, type TestUser } from '../setup/factories.js';

type Json = Record<string, unknown>;

const ME = `${API}/users/me`;
const ISSUER = 'secure-nest-api';
const b64url = (value: Json | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/**
 * A compact JWS with exactly this header and payload. The signature follows `header.alg`: RS256
 * signs with `key` (a private KeyObject), HS256 MACs with `key` (a string secret), anything else
 * (`none` and friends) gets an empty signature.
 */
function forge(header: Json, payload: Json, key?: KeyObject | string): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  let signature = '';
  if (header.alg === 'RS256' && typeof key === 'object') signature = sign('sha256', Buffer.from(input), key).toString('base64url');
  if (header.alg === 'HS256' && typeof key === 'string') signature = createHmac('sha256', key).update(input).digest('base64url');
  return `${input}.${signature}`;
}

/** Decodes a compact JWS without verifying it. */
function decode(token: string): { header: Json; payload: Json } {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new Error('not a JWT with a JSON payload');
  return { header: { ...decoded.header }, payload: { ...decoded.payload } };
}

/** Bit length of a base64url big-endian unsigned integer (a JWK `n`). */
function bitLength(b64: string): number {
  const bytes = Buffer.from(b64, 'base64url');
  const first = bytes.findIndex((b) => b !== 0);
  return first < 0 ? 0 : (bytes.length - first - 1) * 8 + bytes[first]!.toString(2).length;
}

/** Every refusal is the standard error body, with no stack trace or source path in it. */
function expectRejected(res: Response, error = 'Invalid token'): void {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ error, requestId: expect.any(String) });
  expect(res.text).not.toMatch(/stack|trace|\bat .+\(|\.[jt]s:\d+|node_modules/i);
}

describe('JWT access tokens (checklist B, JWT-01..JWT-09)', () => {
  let app: INestApplication;
  let user: TestUser;
  let privateKey: KeyObject;
  let kid: string;
  /** The header and claims of a real access token: forged tokens start from these. */
  let realHeader: Json;
  let realClaims: Json;
  /** An attacker's own RSA key, and a listener that would see any jku/x5u fetch. */
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerKid = jwkThumbprint(attacker.publicKey);
  const listenerHits: string[] = [];
  let listener: Server;
  let listenerUrl: string;

  const probe = (token: string) => request(app.getHttpServer()).get(ME).set(bearer(token));
  /** The real token's claims with a fresh jti, `overrides` applied and `undefined` ones removed. */
  const claims = (overrides: Json = {}): Json =>
    Object.fromEntries(Object.entries({ ...realClaims, jti: randomUUID(), ...overrides }).filter(([, v]) => v !== undefined));
  /** Correctly signed with the server's key; header fields can be changed. */
  const signed = (payload: Json = claims(), header: Json = {}) => forge({ ...realHeader, ...header }, payload, privateKey);

  beforeAll(async () => {
    app = await createTestApp();
    user = await createUser(app);
    privateKey = createPrivateKey(readFileSync(process.env.JWT_PRIVATE_KEY_FILE as string, 'utf8'));
    kid = jwkThumbprint(createPublicKey(privateKey));
    ({ header: realHeader, payload: realClaims } = decode(user.accessToken));
    listener = createServer((req, res) => {
      listenerHits.push(req.url ?? '');
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...attacker.publicKey.export({ format: 'jwk' }), kid: attackerKid, alg: 'RS256', use: 'sig' }] }));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    await app.close();
  });

  it('control: the real token and a token forged with the real key and claims are both accepted', async () => {
    expect((await probe(user.accessToken)).status).toBe(200);
    expect((await probe(signed())).status).toBe(200);
  });

  describe('JWT-01 unsigned and tampered tokens', () => {
    it.each(['none', 'None', 'nOnE', 'NONE'])('JWT-01 rejects alg %s with an empty signature', async (alg) => {
      expectRejected(await probe(forge({ ...realHeader, alg }, claims())));
    });

    it('JWT-01 rejects alg none that keeps the original signature', async () => {
      const [, , signature] = user.accessToken.split('.');
      const [header, payload] = forge({ ...realHeader, alg: 'none' }, realClaims).split('.');
      expectRejected(await probe(`${header}.${payload}.${signature}`));
    });

    it('JWT-01 rejects a tampered payload (role ADMIN) with the old signature', async () => {
      const [header, , signature] = user.accessToken.split('.');
      expectRejected(await probe(`${header}.${b64url({ ...realClaims, role: 'admin' })}.${signature}`));
    });

    it('JWT-01 rejects a truncated signature and a missing signature', async () => {
      expectRejected(await probe(user.accessToken.slice(0, -8)));
      expectRejected(await probe(user.accessToken.slice(0, user.accessToken.lastIndexOf('.') + 1)));
      expectRejected(await probe(user.accessToken.slice(0, user.accessToken.lastIndexOf('.'))));
    });
  });

  describe('JWT-02 algorithm confusion (HS256 keyed with the public key)', () => {
    it('JWT-02 rejects HS256 HMAC-signed with the public key (PEM form, SPKI and PKCS#1)', async () => {
      const publicKey = createPublicKey(privateKey);
      for (const type of ['spki', 'pkcs1'] as const) {
        const pem = publicKey.export({ type, format: 'pem' }).toString();
        expectRejected(await probe(forge({ ...realHeader, alg: 'HS256' }, claims(), pem)));
      }
    });

    it('JWT-02 rejects HS256 HMAC-signed with the public key (JWK JSON form, from /.well-known/jwks.json)', async () => {
      const jwks = await request(app.getHttpServer()).get('/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      const jwk = (jwks.body as { keys: Json[] }).keys.find((k) => k.kid === kid);
      expect(jwk).toBeDefined();
      const { e, kty, n } = jwk as Json;
      for (const secret of [JSON.stringify(jwk), JSON.stringify({ kty, n, e }), JSON.stringify({ e, kty, n })]) {
        expectRejected(await probe(forge({ ...realHeader, alg: 'HS256' }, claims(), secret)));
      }
    });
  });

  describe('JWT-03 time claims and lifetime', () => {
    it('JWT-03 rejects a token expired beyond the clock leeway with "Token expired"', async () => {
      const t = now();
      expectRejected(await probe(signed(claims({ iat: t - 900, exp: t - 120 }))), 'Token expired');
    });

    it('JWT-03 rejects a correctly signed token without exp', async () => {
      expectRejected(await probe(signed(claims({ exp: undefined }))));
    });

    it('JWT-03 rejects a correctly signed token with a future nbf', async () => {
      expectRejected(await probe(signed(claims({ nbf: now() + 600 }))));
    });

    it('JWT-03 real access tokens live at most 15 minutes, and longer-lived forged ones are refused', async () => {
      expect(typeof realClaims.exp).toBe('number');
      expect(typeof realClaims.iat).toBe('number');
      expect((realClaims.exp as number) - (realClaims.iat as number)).toBeLessThanOrEqual(900);
      const t = now();
      expectRejected(await probe(signed(claims({ iat: t, exp: t + 3600 }))));
      expectRejected(await probe(signed(claims({ iat: undefined, exp: t + 600 }))));
    });
  });

  describe('JWT-11 issued-at in the future, lifetime measured from now', () => {
    const auth = () => app.get(AppConfig).auth;

    it('JWT-11 refuses a correctly signed token whose iat lies in the future beyond the clock tolerance', async () => {
      const t = now() + auth().clockToleranceSeconds + 60;
      expectRejected(await probe(signed(claims({ iat: t, exp: t + 300 }))));
    });

    it('JWT-11 accepts an iat a few seconds ahead, within the clock tolerance', async () => {
      const t = now() + Math.min(5, auth().clockToleranceSeconds);
      expect((await probe(signed(claims({ iat: t, exp: t + 300 })))).status).toBe(200);
    });

    it('JWT-11 the lifetime cap is measured from now: a later iat does not buy a longer life', async () => {
      const ttl = auth().accessTokenTtlSeconds;
      const t = now() + ttl;
      // exp - iat is within the cap; exp - now is twice the cap.
      expectRejected(await probe(signed(claims({ iat: t, exp: t + ttl }))));
    });
  });

  describe('JWT-04 issuer and audience', () => {
    it('JWT-04 rejects a correctly signed token with a wrong iss, or none', async () => {
      expect(realClaims.iss).toBe(ISSUER);
      expectRejected(await probe(signed(claims({ iss: 'https://evil.example.com' }))));
      expectRejected(await probe(signed(claims({ iss: undefined }))));
    });

    it('JWT-04 rejects a correctly signed token with a wrong aud, or none', async () => {
      expect(realClaims.aud).toBe(ISSUER);
      expectRejected(await probe(signed(claims({ aud: 'another-api' }))));
      expectRejected(await probe(signed(claims({ aud: ['another-api'] }))));
      expectRejected(await probe(signed(claims({ aud: undefined }))));
    });
  });

  describe('JWT-05 key selection from the header', () => {
    const badKids = [
      ['path traversal', '../../etc/passwd'],
      ['path traversal to /dev/null', '../../../../../../../dev/null'],
      ['SQL', "' OR 1=1 --"],
      ['unknown', 'unknown-key-id'],
      ['non-string', 42],
    ] as const;

    it.each(badKids)('JWT-05 rejects kid %s (%s), signed with the real key or HS256 with an empty secret', async (_name, badKid) => {
      for (const token of [signed(claims(), { kid: badKid }), forge({ ...realHeader, alg: 'HS256', kid: badKid }, claims(), '')]) {
        expectRejected(await probe(token));
      }
    });

    it('JWT-05 rejects a token signed with an embedded attacker jwk', async () => {
      const jwk = attacker.publicKey.export({ format: 'jwk' });
      for (const header of [{ kid: attackerKid, jwk }, { kid, jwk }, { kid: undefined, jwk }]) {
        expectRejected(await probe(forge({ ...realHeader, ...header }, claims(), attacker.privateKey)));
      }
    });

    it('JWT-05 rejects jku and x5u pointing at a local listener, without fetching anything', async () => {
      for (const header of [
        { kid: attackerKid, jku: `${listenerUrl}/jwks.json` },
        { kid, jku: `${listenerUrl}/jwks.json` },
        { kid: attackerKid, x5u: `${listenerUrl}/cert.pem` },
        { kid, x5u: `${listenerUrl}/cert.pem` },
      ]) {
        expectRejected(await probe(forge({ ...realHeader, ...header }, claims(), attacker.privateKey)));
      }
      await new Promise((resolve) => setTimeout(resolve, 200)); // room for any late background fetch
      expect(listenerHits).toEqual([]);
    });
  });

  describe('JWT-06 other token kinds as a bearer', () => {
    it('JWT-06 rejects the refresh token used as a bearer', async () => {
      expectRejected(await probe(user.refreshToken));
    });

    it('JWT-06 rejects a correctly signed JWT whose typ is JWT (or absent) rather than at+jwt', async () => {
      expect(realHeader.typ).toBe('at+jwt');
      expectRejected(await probe(signed(claims(), { typ: 'JWT' })));
      expectRejected(await probe(signed(claims(), { typ: undefined })));
    });
  });

  describe('JWT-07 key strength', () => {
    it('JWT-07 every published key is RSA of at least 2048 bits, public only, and the signing key is among them', async () => {
      const res = await request(app.getHttpServer()).get('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      const keys = (res.body as { keys: Json[] }).keys;
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
        expect(bitLength(key.n as string)).toBeGreaterThanOrEqual(2048);
        for (const privatePart of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privatePart);
      }
      expect(keys.map((k) => k.kid)).toContain(kid);
      expect(realHeader.kid).toBe(kid);
    });

    it('JWT-07 the private signing key file holds an RSA key of at least 2048 bits', () => {
      expect(privateKey.asymmetricKeyType).toBe('rsa');
      expect(privateKey.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    });
  });

  describe('JWT-08 token transport', () => {
    it('JWT-08 ignores a valid token in the query string (?access_token=)', async () => {
      const res = await request(app.getHttpServer()).get(ME).query({ access_token: user.accessToken });
      expectRejected(res, 'Authentication required');
    });
  });

  describe('JWT-09 malformed bearers and payload contents', () => {
    it('JWT-09 rejects "Bearer x" and other malformed bearers with a generic 401', async () => {
      for (const token of ['x', '..', 'a.b.c', `${b64url('{')}.${b64url('{')}.`, '%00', user.accessToken.replace(/\./g, '')]) {
        expectRejected(await probe(token));
      }
    });

    it('JWT-09 rejects a JSON-serialized JWS (general and flattened) as the bearer value', async () => {
      const [protectedHeader, payload, signature] = user.accessToken.split('.');
      const general = JSON.stringify({ payload, signatures: [{ protected: protectedHeader, signature }] });
      const flattened = JSON.stringify({ payload, protected: protectedHeader, signature });
      for (const token of [general, flattened]) expectRejected(await probe(token));
    });

    it('JWT-09 a 64 KB token gets 401 or 431, never 5xx', async () => {
      const res = await probe(signed(claims({ pad: 'A'.repeat(64 * 1024) })));
      expect([401, 431]).toContain(res.status);
      if (res.status === 401) expectRejected(res);
    });

    it('JWT-09 a large (12 KB) token that reaches the app gets a generic 401', async () => {
      expectRejected(await probe(forge({ ...realHeader, alg: 'HS256' }, claims({ pad: 'A'.repeat(8 * 1024) }), 'x')));
      expectRejected(await probe('A'.repeat(12 * 1024)));
    });

    it('JWT-09 a real access token holds only ids, role and standard claims (no personal data)', () => {
      expect(Object.keys(realClaims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'role', 'sid', 'sub']);
      expect(realClaims).toMatchObject({ sub: user.id, role: 'user' });
      expect(JSON.stringify(realClaims)).not.toContain(user.email);
      expect(JSON.stringify(realClaims)).not.toContain(user.name);
    });

    it('JWT-09 no token at all gets 401 "Authentication required"', async () => {
      expectRejected(await request(app.getHttpServer()).get(ME), 'Authentication required');
      expectRejected(await request(app.getHttpServer()).get(ME).set('Authorization', 'Basic dXNlcjpwYXNz'), 'Authentication required');
    });
  });
});
