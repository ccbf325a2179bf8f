/**
 * Checklist H (KEY-01..KEY-04) and the API-key parts of AC-03 / AC-05: how a key is presented,
 * refused, confined to its scopes and its owner's role, stored, and rate limited. Grey-box: the
 * database (hash, prefix, lastUsedAt) and the OpenAPI document (which routes accept keys).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { buildOpenApiDocument } from '../../src/docs/openapi.js';
import { Plan, Role } from '../../src/generated/prisma/enums.js';
import { ApiKeyUsageService } from '../../src/modules/api-keys/api-key-usage.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, strongPassword } from '../setup/factories.js';
import { ALL_SCOPES, createApiKey, type Json } from './support/auth-flows.js';
import { currentSessionId, distinctiveWord, expectError, http, prismaOf } from './support/authz.js';
import { uniqueKeyPrefix } from './support/live-app.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Operation = { method: Method; path: string; acceptsKeys: boolean };
const METHODS: Method[] = ['get', 'post', 'put', 'patch', 'delete'];

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const label = (op: { method: string; path: string }) => `${op.method.toUpperCase()} ${op.path}`;

/** Secured operations of the OpenAPI document, and whether each accepts an API key at all. */
function securedOperations(app: Parameters<typeof buildOpenApiDocument>[0]): Operation[] {
  const doc = buildOpenApiDocument(app);
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const security = item[method]?.security ?? [];
      if (!security.some((requirement) => Object.keys(requirement).length > 0)) return [];
      return [{ method, path, acceptsKeys: security.some((requirement) => 'api-key' in requirement) }];
    }),
  );
}

/** A well-formed key (sk_<12>_<43>) that was never issued, optionally reusing a real prefix. */
const forgedKey = (prefix = `sk_${randomBytes(9).toString('base64url')}`) => `${prefix}_${randomBytes(32).toString('base64url')}`;

describe('API keys (checklist H, KEY-01..KEY-04; AC-03, AC-05)', () => {
  const getApp = useTestApp();
  const withKey = (method: Method, path: string, key: string, body?: Json) => {
    const req = http(getApp())[method](`${API}${path}`).set('X-API-Key', key);
    return body === undefined ? req : req.send(body);
  };
  const me = (key: string) => withKey('get', '/users/me', key);

  describe('KEY-01 presentation', () => {
    it('KEY-01 only the X-API-Key header authenticates: query parameters, Authorization schemes and cookies are 401', async () => {
      const user = await createUser(getApp());
      const { key } = await createApiKey(getApp(), user);
      const server = () => http(getApp());
      const attempts: [string, () => Promise<Response>][] = [
        ['?api_key=', () => server().get(`${API}/users/me`).query({ api_key: key })],
        ['?apiKey=', () => server().get(`${API}/users/me`).query({ apiKey: key })],
        ['?x-api-key=', () => server().get(`${API}/users/me`).query({ 'x-api-key': key })],
        ['Authorization: ApiKey', () => server().get(`${API}/users/me`).set('Authorization', `ApiKey ${key}`)],
        ['Authorization: Bearer', () => server().get(`${API}/users/me`).set(bearer(key))],
        ['Authorization: Basic', () => server().get(`${API}/users/me`).set('Authorization', `Basic ${Buffer.from(`${key}:`).toString('base64')}`)],
        ['cookie', () => server().get(`${API}/users/me`).set('Cookie', `api_key=${key}; apiKey=${key}; X-API-Key=${key}`)],
      ];
      for (const [how, attempt] of attempts) {
        const res = await attempt();
        expect({ how, status: res.status, body: res.body as unknown }).toEqual({ how, status: 401, body: { error: expect.any(String), requestId: expect.any(String) } });
      }
      // Control: the same key in the header is accepted.
      expect((await me(key)).status).toBe(200);
    });
  });

  describe('KEY-02 refused keys', () => {
    it('KEY-02 a revoked key is refused on the very next request, with the generic body', async () => {
      const user = await createUser(getApp());
      const created = await createApiKey(getApp(), user);
      expect((await me(created.key)).status).toBe(200);
      expect((await http(getApp()).delete(`${API}/api-keys/${created.id}`).set(bearer(user.accessToken))).status).toBe(204);
      expectError(await me(created.key), 401, 'Invalid API key');
    });

    it('KEY-02 expired, unknown secret, unknown prefix and garbage keys: the same 401 { error: "Invalid API key" }', async () => {
      const user = await createUser(getApp());
      const expiring = await createApiKey(getApp(), user);
      expect((await me(expiring.key)).status).toBe(200);
      await prismaOf(getApp()).apiKey.update({ where: { id: expiring.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const live = await createApiKey(getApp(), user);
      for (const [what, key] of [
        ['expired', expiring.key],
        ['right prefix, wrong secret', forgedKey(live.prefix)],
        ['unknown prefix', forgedKey()],
        ['one character too many', `${live.key}x`],
        ['garbage', 'garbage'],
      ]) {
        const res = await me(key ?? '');
        expect({ what, status: res.status, body: res.body as unknown }).toEqual({ what, status: 401, body: { error: 'Invalid API key', requestId: expect.any(String) } });
      }
      expect((await me(live.key)).status).toBe(200);
    });
  });

  describe('KEY-03 scopes and roles', () => {
    it('KEY-03 a key with every scope, even an ADMIN\'s, gets 403 on key management, MFA, sessions, logout, profile writes and admin routes, changing nothing', async () => {
      const admin = await createUser(getApp(), Role.admin);
      const victim = await createUser(getApp());
      const created = await createApiKey(getApp(), admin, ALL_SCOPES);
      const sessionId = await currentSessionId(getApp(), admin);
      const forbidden: [Method, string, Json?][] = [
        ['post', '/api-keys', { name: 'made by a key', scopes: ['posts:read'] }],
        ['get', '/api-keys'],
        ['delete', `/api-keys/${created.id}`],
        ['post', '/auth/mfa/setup'],
        ['post', '/auth/mfa/enable', { code: '123456' }],
        ['post', '/auth/mfa/disable', { password: admin.password, code: '123456' }],
        ['get', '/auth/sessions'],
        ['delete', `/auth/sessions/${sessionId}`],
        ['post', '/auth/logout'],
        ['post', '/auth/logout-all'],
        ['patch', '/users/me', { name: 'Renamed by a key' }],
        ['patch', '/users/me/password', { currentPassword: admin.password, newPassword: strongPassword() }],
      ];
      // Every admin route of the OpenAPI document, aimed at a real user with a harmful body.
      const adminOps = securedOperations(getApp()).filter((op) => op.path.startsWith(`${API}/admin/`));
      expect(adminOps.length).toBeGreaterThanOrEqual(4);
      for (const op of adminOps) {
        const path = op.path.slice(API.length).replace(/\{[^}]+\}/g, victim.id);
        forbidden.push([op.method, path, op.method === 'get' || op.method === 'delete' ? undefined : { role: Role.admin, plan: Plan.ENTERPRISE }]);
      }
      for (const [method, path, body] of forbidden) {
        const res = await withKey(method, path, created.key, body);
        expect({ route: label({ method, path }), status: res.status }).toEqual({ route: label({ method, path }), status: 403 });
        expectError(res, 403);
      }

      const prisma = prismaOf(getApp());
      expect((await me(created.key)).body).toMatchObject({ id: admin.id, name: admin.name });
      expect(await prisma.apiKey.count({ where: { userId: admin.id, revokedAt: null } })).toBe(1);
      expect(await prisma.mfaSecret.count({ where: { userId: admin.id } })).toBe(0);
      expect(await prisma.user.findUniqueOrThrow({ where: { id: victim.id }, select: { role: true, plan: true } })).toEqual({ role: Role.user, plan: Plan.DEFAULT });
      for (const user of [admin, victim]) expect((await http(getApp()).get(`${API}/auth/sessions`).set(bearer(user.accessToken))).status).toBe(200);
      expect((await http(getApp()).post(`${API}/auth/login`).send({ email: admin.email, password: admin.password })).status).toBe(200);
    });

    it('KEY-03 every secured operation that the OpenAPI document does not open to API keys answers a full-scope key 403', async () => {
      const admin = await createUser(getApp(), Role.admin);
      const { key } = await createApiKey(getApp(), admin, ALL_SCOPES);
      const closed = securedOperations(getApp()).filter((op) => !op.acceptsKeys);
      expect(closed.length).toBeGreaterThan(10);
      for (const op of closed) {
        const path = op.path.slice(API.length).replace(/\{[^}]+\}/g, () => randomUUID());
        const res = await withKey(op.method, path, key, op.method === 'get' || op.method === 'delete' ? undefined : {});
        expect({ op: label(op), status: res.status }).toEqual({ op: label(op), status: 403 });
      }
    });

    it('KEY-03 a USER\'s key never exceeds its owner: no one else\'s drafts, no writes to others\' posts', async () => {
      const [owner, other] = [await createUser(getApp()), await createUser(getApp())];
      const word = distinctiveWord();
      const draft = await createPost(getApp(), other, { isPublished: false, title: 'Draft of another user', content: word });
      const published = await createPost(getApp(), other, { isPublished: true, title: 'Published by another user', content: word });
      const { key } = await createApiKey(getApp(), owner, ALL_SCOPES);
      expect([403, 404]).toContain((await withKey('get', `/posts/${draft.id}`, key)).status);
      const search = await withKey('get', `/posts?q=${word}`, key);
      expect(search.status).toBe(200);
      expect(JSON.stringify(search.body)).toContain(published.id);
      expect(JSON.stringify(search.body)).not.toContain(draft.id);
      expect([403, 404]).toContain((await withKey('patch', `/posts/${published.id}`, key, { title: 'Hijacked by a key' })).status);
      expect([403, 404]).toContain((await withKey('delete', `/posts/${published.id}`, key)).status);
      expect([403, 404]).toContain((await withKey('delete', `/posts/${draft.id}`, key)).status);
      const rows = await prismaOf(getApp()).post.findMany({ where: { id: { in: [draft.id, published.id] } }, select: { title: true } });
      expect(rows.map((r) => r.title).sort()).toEqual(['Draft of another user', 'Published by another user']);
      // Control: the same key reads the published post.
      expect((await withKey('get', `/posts/${published.id}`, key)).status).toBe(200);
    });

    it('KEY-03 a MODERATOR\'s key deletes another user\'s post only with posts:write, and cannot update it', async () => {
      const [moderator, author] = [await createUser(getApp(), Role.moderator), await createUser(getApp())];
      const [first, second] = [await createPost(getApp(), author, { isPublished: true }), await createPost(getApp(), author, { isPublished: false })];
      const reader = await createApiKey(getApp(), moderator, ['posts:read']);
      const writer = await createApiKey(getApp(), moderator, ['posts:write']);
      expect((await withKey('get', `/posts/${second.id}`, reader.key)).status).toBe(200); // moderators read any post
      expectError(await withKey('delete', `/posts/${first.id}`, reader.key), 403);
      expectError(await withKey('patch', `/posts/${first.id}`, writer.key, { title: 'Edited by a moderator key' }), 403);
      expect((await withKey('delete', `/posts/${first.id}`, writer.key)).status).toBe(204);
      expect(await prismaOf(getApp()).post.findUnique({ where: { id: first.id } })).toBeNull();
      expect((await prismaOf(getApp()).post.findUniqueOrThrow({ where: { id: second.id } })).authorId).toBe(author.id);
    });
  });

  describe('KEY-04 issuance, storage and quota', () => {
    it('KEY-04 the key is shown once with >= 128 secret bits, listed by prefix only, stored as a SHA-256 hash', async () => {
      const user = await createUser(getApp());
      const created = await createApiKey(getApp(), user, ['posts:read']);
      const another = await createApiKey(getApp(), user, ['posts:read']);
      expect(created.key).toMatch(/^sk_[\w-]{12}_[\w-]{43}$/);
      expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
      const secret = created.key.slice(created.prefix.length + 1);
      expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      expect(another.key).not.toBe(created.key);
      expect(another.prefix).not.toBe(created.prefix);

      const row = await prismaOf(getApp()).apiKey.findUniqueOrThrow({ where: { id: created.id } });
      expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.keyHash).toBe(sha256(created.key));
      expect(row.prefix).toBe(created.prefix);
      expect(JSON.stringify(row)).not.toContain(secret);

      const list = await http(getApp()).get(`${API}/api-keys`).set(bearer(user.accessToken));
      expect(list.status).toBe(200);
      const mine = (list.body as Json[]).find((k) => k.id === created.id);
      expect(mine).toMatchObject({ id: created.id, prefix: created.prefix, scopes: ['posts:read'] });
      for (const item of list.body as Json[]) for (const field of ['key', 'keyHash', 'hash', 'secret']) expect(item).not.toHaveProperty(field);
      expect(list.text).not.toContain(secret);
      expect(list.text).not.toContain(row.keyHash);
    });

    it('KEY-04 lastUsedAt is recorded (batched: after a flush) and shown in the list', async () => {
      const user = await createUser(getApp());
      const created = await createApiKey(getApp(), user, ['posts:read']);
      expect(created.lastUsedAt).toBeNull();
      const before = Date.now();
      expect((await withKey('get', '/posts', created.key)).status).toBe(200);
      await getApp().get(ApiKeyUsageService).flush();
      const lastUsedAt = (await prismaOf(getApp()).apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt;
      expect(lastUsedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(lastUsedAt?.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      const list = await http(getApp()).get(`${API}/api-keys`).set(bearer(user.accessToken));
      expect((list.body as Json[]).find((k) => k.id === created.id)?.lastUsedAt).toBe(lastUsedAt?.toISOString());
    });

    describe('KEY-04 per-key quota (DEFAULT 3/min, PREMIUM 6/min)', () => {
      // Users and keys are made through the generous app, so only key requests spend these budgets.
      const limited = useTestApp({ RATE_LIMIT_DEFAULT_PER_MINUTE: '3', RATE_LIMIT_PREMIUM_PER_MINUTE: '6', RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });
      const spend = (key: string) => http(limited()).get(`${API}/posts`).set('X-API-Key', key);
      const expectTooMany = (res: Response) => {
        expect({ status: res.status, error: res.body.error }).toEqual({ status: 429, error: 'Too many requests' });
        const retryAfter = Number(res.headers['retry-after']);
        expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      };

      it('KEY-04 the 4th request with one key in a minute is 429 with Retry-After; another owner\'s key is unaffected', async () => {
        const [owner, other] = [await createUser(getApp()), await createUser(getApp())];
        const { key } = await createApiKey(getApp(), owner, ['posts:read']);
        const second = await createApiKey(getApp(), owner, ['posts:read']);
        const foreign = await createApiKey(getApp(), other, ['posts:read']);
        for (let i = 1; i <= 3; i += 1) {
          const res = await spend(key);
          expect({ status: res.status, limit: res.headers['ratelimit-limit'], remaining: res.headers['ratelimit-remaining'] }).toEqual({ status: 200, limit: '3', remaining: String(3 - i) });
        }
        expectTooMany(await spend(key));
        // More keys do not multiply the owner's budget.
        expectTooMany(await spend(second.key));
        expect((await spend(foreign.key)).status).toBe(200);
      });

      it('KEY-04 a PREMIUM owner\'s key gets the PREMIUM budget', async () => {
        const owner = await createUser(getApp());
        await prismaOf(getApp()).user.update({ where: { id: owner.id }, data: { plan: Plan.PREMIUM } });
        const { key } = await createApiKey(getApp(), owner, ['posts:read']);
        for (let i = 1; i <= 6; i += 1) expect((await spend(key)).status).toBe(200);
        const over = await spend(key);
        expectTooMany(over);
        expect(over.headers['ratelimit-limit']).toBe('6');
      });
    });
  });

  describe('AC-03 / AC-05 keys of other users, and what responses reveal', () => {
    it('AC-03 user B can neither see nor revoke A\'s keys; A\'s key keeps working', async () => {
      const [a, b] = [await createUser(getApp()), await createUser(getApp())];
      const aKey = await createApiKey(getApp(), a);
      const bList = await http(getApp()).get(`${API}/api-keys`).set(bearer(b.accessToken));
      expect({ status: bList.status, body: bList.body as unknown }).toEqual({ status: 200, body: [] });
      expectError(await http(getApp()).delete(`${API}/api-keys/${aKey.id}`).set(bearer(b.accessToken)), 404);
      expect((await prismaOf(getApp()).apiKey.findUniqueOrThrow({ where: { id: aKey.id } })).revokedAt).toBeNull();
      expect((await me(aKey.key)).body.id).toBe(a.id);
    });

    it('AC-05 no response carries a key hash, and the key itself appears only in the create response', async () => {
      const user = await createUser(getApp());
      const created = await createApiKey(getApp(), user);
      const { keyHash } = await prismaOf(getApp()).apiKey.findUniqueOrThrow({ where: { id: created.id } });
      const withToken = (method: Method, path: string) => http(getApp())[method](`${API}${path}`).set(bearer(user.accessToken));
      const responses: Response[] = [
        await withToken('get', '/api-keys'),
        await me(created.key),
        await withKey('get', '/posts', created.key),
        await withKey('get', '/api-keys', created.key),
        await me(forgedKey(created.prefix)),
        await withToken('get', '/users/me'),
        await withToken('delete', `/api-keys/${created.id}`),
        await withToken('get', '/api-keys'),
        await me(created.key),
      ];
      for (const res of responses) {
        const seen = `${JSON.stringify(res.headers)}\n${res.text}`;
        expect(seen).not.toContain(keyHash);
        expect(seen).not.toContain(created.key);
        expect(seen).not.toMatch(/keyHash|key_hash/i);
      }
    });
  });
});
