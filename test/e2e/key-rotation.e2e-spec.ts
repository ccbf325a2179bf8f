/**
 * Rotating the access-token signing key (docs/API.md §2): a new key signs, the old public key
 * stays listed in JWT_PREVIOUS_PUBLIC_KEY_FILES until the last token it signed has expired, and
 * once it is dropped those tokens are refused. Each app is booted in its own test: passport keeps
 * one 'jwt' strategy per process, the last app's.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, login, type TestUser } from '../setup/factories.js';

const dir = mkdtempSync(join(tmpdir(), 'key-rotation-'));
const kidOf = (token: string) => jwt.decode(token, { complete: true })?.header.kid;
const me = (app: INestApplication, token: string) => request(app.getHttpServer()).get(`${API}/users/me`).set(bearer(token));
const jwks = async (app: INestApplication) => (await request(app.getHttpServer()).get('/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);

async function withApp(env: Record<string, string>, use: (app: INestApplication) => Promise<void>): Promise<void> {
  const app = await createTestApp(env);
  try {
    await use(app);
  } finally {
    await app.close();
  }
}

describe('signing key rotation (e2e)', () => {
  let user: TestUser;
  let oldPublic: string;
  let newKey: string;

  beforeAll(async () => {
    oldPublic = join(dir, 'old-public.pem');
    writeFileSync(oldPublic, createPublicKey(readFileSync(process.env.JWT_PRIVATE_KEY_FILE ?? '', 'utf8')).export({ type: 'spki', format: 'pem' }));
    newKey = join(dir, 'new-private.pem');
    writeFileSync(newKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const before = await createTestApp();
    user = await createUser(before); // a token signed by the key in use so far
    await before.close();
  });

  it('during the rotation the new key signs, and tokens of the old one are still accepted', async () => {
    await withApp({ JWT_PRIVATE_KEY_FILE: newKey, JWT_PREVIOUS_PUBLIC_KEY_FILES: oldPublic }, async (during) => {
      const oldKid = kidOf(user.accessToken);
      const fresh = await login(during, user.email, user.password);
      const newKid = kidOf(fresh.accessToken);
      expect(newKid).not.toBe(oldKid);
      expect((await me(during, user.accessToken)).status).toBe(200);
      expect((await me(during, fresh.accessToken)).status).toBe(200);
      expect(await jwks(during)).toEqual([newKid, oldKid]);
    });
  });

  it('once the old public key is dropped, its tokens are refused and it leaves the JWKS', async () => {
    await withApp({ JWT_PRIVATE_KEY_FILE: newKey }, async (after) => {
      const res = await me(after, user.accessToken);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Invalid token', requestId: expect.any(String) });
      expect(await jwks(after)).not.toContain(kidOf(user.accessToken));
      const fresh = await login(after, user.email, user.password);
      expect((await me(after, fresh.accessToken)).status).toBe(200);
    });
  });
});
