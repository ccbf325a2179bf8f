import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ApiKeyUsageService } from '../../src/modules/api-keys/api-key-usage.service.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, type TestUser } from '../setup/factories.js';

describe('API keys (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());
  const createKey = (user: TestUser, body: Record<string, unknown>) => http().post(`${API}/api-keys`).set(bearer(user.accessToken)).send(body);

  it('creates a key shown once, lists it by prefix, never with its hash', async () => {
    const user = await createUser(getApp());
    const created = await createKey(user, { name: 'ci', scopes: ['posts:read'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(new RegExp(`^${created.body.prefix}_`));
    const list = await http().get(`${API}/api-keys`).set(bearer(user.accessToken));
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ id: created.body.id, prefix: created.body.prefix, scopes: ['posts:read'] });
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(Object.keys(list.body[0])).not.toContain('keyHash');
  });

  it('authenticates as the owner within its scopes, by header only', async () => {
    const user = await createUser(getApp());
    const post = await createPost(getApp(), user);
    const { key } = (await createKey(user, { name: 'reader', scopes: ['posts:read'] })).body;
    expect((await http().get(`${API}/posts/${post.id}`).set('X-API-Key', key)).status).toBe(200);
    expect((await http().get(`${API}/posts`).set('X-API-Key', key)).status).toBe(200);
    const write = await http().post(`${API}/posts`).set('X-API-Key', key).send({ title: 'Nope', content: 'x' });
    expect(write.status).toBe(403);
    expect((await http().get(`${API}/users/me`).set('X-API-Key', key)).status).toBe(403);
    expect((await http().get(`${API}/posts?api_key=${key}`)).status).toBe(401);
  });

  it('writes posts with posts:write, authored by the owner', async () => {
    const user = await createUser(getApp());
    const { key } = (await createKey(user, { name: 'writer', scopes: ['posts:write', 'profile:read'] })).body;
    const res = await http().post(`${API}/posts`).set('X-API-Key', key).send({ title: 'From a key', content: 'x' });
    expect(res.status).toBe(201);
    expect(res.body.authorId).toBe(user.id);
    expect((await http().get(`${API}/users/me`).set('X-API-Key', key)).body.id).toBe(user.id);
  });

  it('is refused at once when revoked, expired or unknown', async () => {
    const user = await createUser(getApp());
    const created = (await createKey(user, { name: 'temp', scopes: ['posts:read'] })).body;
    expect((await http().delete(`${API}/api-keys/${created.id}`).set(bearer(user.accessToken))).status).toBe(204);
    const revoked = await http().get(`${API}/posts`).set('X-API-Key', created.key);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('Invalid API key');
    const other = (await createKey(user, { name: 'old', scopes: ['posts:read'] })).body;
    await getApp().get(PrismaService).apiKey.update({ where: { id: other.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await http().get(`${API}/posts`).set('X-API-Key', other.key)).status).toBe(401);
    expect((await http().get(`${API}/posts`).set('X-API-Key', `${other.key.slice(0, -4)}AAAA`)).status).toBe(401);
    expect((await http().get(`${API}/posts`).set('X-API-Key', 'garbage')).status).toBe(401);
  });

  it('refuses bad scopes, an expiry beyond the maximum, and keys managing keys', async () => {
    const user = await createUser(getApp());
    expect((await createKey(user, { name: 'x', scopes: ['admin'] })).status).toBe(400);
    expect((await createKey(user, { name: 'x', scopes: [] })).status).toBe(400);
    const far = new Date(Date.now() + 400 * 86_400_000).toISOString();
    expect((await createKey(user, { name: 'x', scopes: ['posts:read'], expiresAt: far })).status).toBe(400);
    const { key } = (await createKey(user, { name: 'k', scopes: ['posts:read', 'posts:write', 'profile:read'] })).body;
    expect((await http().get(`${API}/api-keys`).set('X-API-Key', key)).status).toBe(403);
    expect((await http().post(`${API}/auth/mfa/setup`).set('X-API-Key', key)).status).toBe(403);
    expect((await http().get(`${API}/admin/users`).set('X-API-Key', key)).status).toBe(403);
  });

  it('records lastUsedAt in batches, without a write per request', async () => {
    const user = await createUser(getApp());
    const created = (await createKey(user, { name: 'usage', scopes: ['posts:read'] })).body;
    await http().get(`${API}/posts`).set('X-API-Key', created.key);
    const prisma = getApp().get(PrismaService);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toBeNull();
    await getApp().get(ApiKeyUsageService).flush();
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).toBeInstanceOf(Date);
  });
});
