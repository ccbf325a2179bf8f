import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { Role } from '../../src/generated/prisma/enums.js';
import { createTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, strongPassword, uniqueEmail, type TestUser } from '../setup/factories.js';
import { expectFieldRejected, http, prismaOf } from './support/authz.js';

/**
 * OWASP API3:2023 Broken Object Property Level Authorization: responses expose no secret or
 * foreign property (AC-05), and requests cannot write protected properties (AC-06).
 */

const SECRET_KEYS = ['passwordHash', 'password_hash', 'tokenHash', 'token_hash'];

/** Every key at any depth of a JSON value. */
function allKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allKeys);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)]);
  return [];
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** A response seen during the flow, with who asked (admins may see other users' emails). */
type Seen = { label: string; viewer: TestUser; res: Response };

describe('API3 object property level authorization', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  describe('AC-05 no response carries a secret or another user\'s email', () => {
    const seen: Seen[] = [];
    const refreshTokens: string[] = [];
    let users: TestUser[];
    let admin: TestUser;

    /** Sends a request as `viewer` and records the answer. */
    async function as(viewer: TestUser, label: string, send: (token: string) => Promise<Response>): Promise<Response> {
      const res = await send(viewer.accessToken);
      seen.push({ label, viewer, res });
      return res;
    }

    /** A realistic session of three users and an admin, through every kind of endpoint. */
    beforeAll(async () => {
      const people = [{ name: 'Ann' }, { name: 'Ben' }].map((p) => ({ ...p, email: uniqueEmail('ac05'), password: strongPassword() }));
      const registered: TestUser[] = [];
      for (const p of people) {
        const reg = await http(app).post(`${API}/auth/register`).send(p);
        const tokens = await http(app).post(`${API}/auth/login`).send({ email: p.email, password: p.password });
        const user: TestUser = { ...p, id: reg.body.id, role: Role.USER, ...(tokens.body as { accessToken: string; refreshToken: string }) };
        const refreshed = await http(app).post(`${API}/auth/refresh`).send({ refreshToken: user.refreshToken });
        refreshTokens.push(user.refreshToken, refreshed.body.refreshToken);
        Object.assign(user, { accessToken: refreshed.body.accessToken, refreshToken: refreshed.body.refreshToken });
        seen.push({ label: 'register', viewer: user, res: reg }, { label: 'login', viewer: user, res: tokens }, { label: 'refresh', viewer: user, res: refreshed });
        registered.push(user);
      }
      const [ann, ben] = registered;
      const failed = await http(app).post(`${API}/auth/login`).send({ email: ann.email, password: 'wrong password for ann' });
      seen.push({ label: 'failed login', viewer: ann, res: failed });
      admin = await createUser(app, Role.ADMIN);
      refreshTokens.push(admin.refreshToken);
      users = [ann, ben, admin];

      const post = (await as(ann, 'create post', (t) =>
        http(app).post(`${API}/posts`).set(bearer(t)).send({ title: 'Ann writes', content: 'Hello', isPublished: true }),
      )).body as { id: string };
      const draft = await createPost(app, ann, { title: 'Ann drafts' });
      for (const viewer of [ann, ben, admin]) {
        await as(viewer, 'me', (t) => http(app).get(`${API}/users/me`).set(bearer(t)));
        await as(viewer, 'rename', (t) => http(app).patch(`${API}/users/me`).set(bearer(t)).send({ name: `${viewer.name} 2` }));
        await as(viewer, 'sessions', (t) => http(app).get(`${API}/auth/sessions`).set(bearer(t)));
        await as(viewer, 'list posts', (t) => http(app).get(`${API}/posts`).set(bearer(t)));
        await as(viewer, 'search posts', (t) => http(app).get(`${API}/posts`).query({ q: 'Ann' }).set(bearer(t)));
        await as(viewer, 'read post', (t) => http(app).get(`${API}/posts/${post.id}`).set(bearer(t)));
        await as(viewer, 'read draft', (t) => http(app).get(`${API}/posts/${draft.id}`).set(bearer(t)));
        for (const other of [ann, ben, admin]) {
          await as(viewer, 'user by id', (t) => http(app).get(`${API}/users/${other.id}`).set(bearer(t)));
        }
        await as(viewer, 'admin list users', (t) => http(app).get(`${API}/admin/users`).query({ limit: 100 }).set(bearer(t)));
      }
      await as(ann, 'update post', (t) => http(app).patch(`${API}/posts/${post.id}`).set(bearer(t)).send({ title: 'Ann edits' }));
      await as(ben, 'update foreign post', (t) => http(app).patch(`${API}/posts/${post.id}`).set(bearer(t)).send({ title: 'Ben edits' }));
      await as(admin, 'change role', (t) => http(app).patch(`${API}/admin/users/${ben.id}/role`).set(bearer(t)).send({ role: Role.USER }));
      await as(ann, 'delete post', (t) => http(app).delete(`${API}/posts/${post.id}`).set(bearer(t)));
    });

    /** Every secret the database holds for the flow's users: none may appear in any answer. */
    async function storedSecrets(): Promise<string[]> {
      const ids = users.map((u) => u.id);
      const prisma = prismaOf(app);
      const rows = await prisma.user.findMany({ where: { id: { in: ids } }, select: { passwordHash: true } });
      const tokens = await prisma.refreshToken.findMany({ where: { session: { userId: { in: ids } } }, select: { tokenHash: true } });
      return [...rows.map((r) => r.passwordHash), ...tokens.map((t) => t.tokenHash), ...refreshTokens.map(sha256Hex)];
    }

    it('AC-05 the flow exercised the endpoints it claims to', () => {
      expect(seen.length).toBeGreaterThan(40);
      const ok = seen.filter((s) => s.res.status < 300).map((s) => s.label);
      for (const label of ['register', 'login', 'refresh', 'me', 'user by id', 'admin list users', 'list posts', 'search posts', 'sessions', 'update post', 'change role']) {
        expect(ok).toContain(label);
      }
    });

    it('AC-05 no response body has a password or token hash property', () => {
      for (const { label, res } of seen) {
        expect({ label, secretKeys: allKeys(res.body).filter((k) => SECRET_KEYS.includes(k)) }).toEqual({ label, secretKeys: [] });
      }
    });

    it('AC-05 no response contains an argon2 hash, a stored token hash or a refresh token hash', async () => {
      const secrets = await storedSecrets();
      expect(secrets.length).toBeGreaterThan(users.length);
      for (const { label, res } of seen) {
        const text = res.text ?? '';
        expect({ label, argon2: text.includes('$argon2') }).toEqual({ label, argon2: false });
        expect({ label, leaked: secrets.filter((s) => text.includes(s)) }).toEqual({ label, leaked: [] });
      }
    });

    it("AC-05 only an admin's answers contain another user's email", () => {
      for (const { label, viewer, res } of seen) {
        const foreign = users.filter((u) => u.id !== viewer.id).map((u) => u.email);
        const shown = foreign.filter((email) => (res.text ?? '').includes(email));
        const allowed = viewer.role === Role.ADMIN ? shown : [];
        expect({ label, viewer: viewer.name, shown }).toEqual({ label, viewer: viewer.name, shown: allowed });
      }
      // The admin views really do show emails, so the check above is not vacuous.
      const adminList = seen.find((s) => s.label === 'admin list users' && s.viewer === admin);
      expect(adminList?.res.text).toContain(users[0].email);
    });
  });

  describe('AC-06 protected properties in a body: 400 and nothing changes', () => {
    const PROTECTED: Record<string, (other: TestUser) => unknown> = {
      role: () => Role.ADMIN,
      id: () => randomUUID(),
      authorId: (other) => other.id,
      mfaEnabled: () => true,
      emailVerified: () => true,
    };
    const FIELDS = Object.keys(PROTECTED);
    let user: TestUser;
    let other: TestUser;
    let postId: string;

    beforeAll(async () => {
      [user, other] = await Promise.all([createUser(app), createUser(app)]);
      postId = (await createPost(app, user, { title: 'Mine to keep' })).id;
    });

    const userRow = () => prismaOf(app).user.findUniqueOrThrow({ where: { id: user.id } });
    const postRow = () => prismaOf(app).post.findUniqueOrThrow({ where: { id: postId } });

    it.each(FIELDS)('AC-06 POST /auth/register with %s: 400, no account created', async (field) => {
      const email = uniqueEmail('ac06');
      const res = await http(app)
        .post(`${API}/auth/register`)
        .send({ email, password: strongPassword(), name: 'Mallory', [field]: PROTECTED[field](other) });
      expectFieldRejected(res, field);
      expect(await prismaOf(app).user.count({ where: { email } })).toBe(0);
    });

    it.each(FIELDS)('AC-06 PATCH /users/me with %s: 400, profile unchanged', async (field) => {
      const before = await userRow();
      const res = await http(app)
        .patch(`${API}/users/me`)
        .set(bearer(user.accessToken))
        .send({ name: 'Renamed', [field]: PROTECTED[field](other) });
      expectFieldRejected(res, field);
      expect(await userRow()).toEqual(before);
    });

    it.each(FIELDS)('AC-06 POST /posts with %s: 400, no post created', async (field) => {
      const title = `Smuggled ${randomUUID()}`;
      const res = await http(app)
        .post(`${API}/posts`)
        .set(bearer(user.accessToken))
        .send({ title, content: 'x', [field]: PROTECTED[field](other) });
      expectFieldRejected(res, field);
      expect(await prismaOf(app).post.count({ where: { title } })).toBe(0);
    });

    it.each(FIELDS)('AC-06 PATCH /posts/:id with %s: 400, post unchanged', async (field) => {
      const before = await postRow();
      const res = await http(app)
        .patch(`${API}/posts/${postId}`)
        .set(bearer(user.accessToken))
        .send({ title: 'Changed title', [field]: PROTECTED[field](other) });
      expectFieldRejected(res, field);
      expect(await postRow()).toEqual(before);
    });

    it('AC-06 the same bodies without the protected property succeed, with server-set values', async () => {
      const email = uniqueEmail('ac06');
      const reg = await http(app).post(`${API}/auth/register`).send({ email, password: strongPassword(), name: 'Mallory' });
      expect(reg.status).toBe(201);
      expect(reg.body.role).toBe(Role.USER);
      const created = await http(app).post(`${API}/posts`).set(bearer(user.accessToken)).send({ title: 'Plain post', content: 'x' });
      expect(created.status).toBe(201);
      expect(created.body.authorId).toBe(user.id);
      const patched = await http(app).patch(`${API}/posts/${postId}`).set(bearer(user.accessToken)).send({ title: 'Changed title' });
      expect(patched.body).toMatchObject({ id: postId, authorId: user.id, title: 'Changed title' });
      expect((await userRow()).role).toBe(Role.USER);
    });
  });
});
