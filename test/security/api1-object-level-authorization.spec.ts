import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, type TestUser } from '../setup/factories.js';
import {
  currentSessionId,
  distinctiveWord,
  expectError,
  http,
  keysOf,
  prismaOf,
  PUBLIC_USER_KEYS,
} from './support/authz.js';

/**
 * OWASP API1:2023 Broken Object Level Authorization: user B, signed in, aims at user A's objects
 * by id (SECURITY-CHECKLIST.md AC-02, AC-03).
 */

/** Every post id the caller can list, all pages (other suites add posts to the same database meanwhile). */
async function listAllPostIds(app: INestApplication, user: TestUser, q?: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let page = 1; ; page++) {
    const res = await http(app)
      .get(`${API}/posts`)
      .query({ page, limit: 100, ...(q && { q }) })
      .set(bearer(user.accessToken));
    expect(res.status).toBe(200);
    const items = res.body as { id: string }[];
    items.forEach((p) => ids.add(p.id));
    if (items.length < 100) return ids;
  }
}

describe('API1 object level authorization', () => {
  let app: INestApplication;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    app = await createTestApp();
    [alice, bob] = await Promise.all([createUser(app), createUser(app)]);
  });
  afterAll(async () => {
    await app.close();
  });

  describe("AC-02 B on A's unpublished post", () => {
    const word = distinctiveWord();
    let draft: { id: string };
    let published: { id: string };
    const row = (id: string) => prismaOf(app).post.findUniqueOrThrow({ where: { id } });

    beforeAll(async () => {
      draft = await createPost(app, alice, { title: `Draft ${word}`, content: `secret ${word}`, isPublished: false });
      published = await createPost(app, alice, { title: `Public ${word}`, content: `open ${word}`, isPublished: true });
    });

    it("AC-02 B cannot read A's draft (403 Access denied)", async () => {
      const res = await http(app).get(`${API}/posts/${draft.id}`).set(bearer(bob.accessToken));
      expectError(res, 403, 'Access denied');
    });

    it("AC-02 B cannot update A's draft, and it is unchanged in the database", async () => {
      const before = await row(draft.id);
      const res = await http(app)
        .patch(`${API}/posts/${draft.id}`)
        .set(bearer(bob.accessToken))
        .send({ title: 'Taken over', content: 'defaced', isPublished: true });
      expect([403, 404]).toContain(res.status);
      expectError(res, res.status);
      expect(await row(draft.id)).toEqual(before);
    });

    it("AC-02 B cannot delete A's draft, and it still exists", async () => {
      const before = await row(draft.id);
      const res = await http(app).delete(`${API}/posts/${draft.id}`).set(bearer(bob.accessToken));
      expect([403, 404]).toContain(res.status);
      expectError(res, res.status);
      expect(await row(draft.id)).toEqual(before);
    });

    it("AC-02 B's post list never includes A's draft", async () => {
      const ids = await listAllPostIds(app, bob);
      expect(ids.has(published.id)).toBe(true);
      expect(ids.has(draft.id)).toBe(false);
    });

    it("AC-02 B's full-text search never includes A's draft", async () => {
      const res = await http(app).get(`${API}/posts`).query({ q: word }).set(bearer(bob.accessToken));
      expect(res.status).toBe(200);
      expect((res.body as { id: string }[]).map((p) => p.id)).toEqual([published.id]);
      expect(res.headers['x-total-count']).toBe('1');
    });

    it('AC-02 A sees her own draft in the list and in search', async () => {
      const listed = await listAllPostIds(app, alice);
      expect([draft.id, published.id].every((id) => listed.has(id))).toBe(true);
      const found = await listAllPostIds(app, alice, word);
      expect(found).toEqual(new Set([draft.id, published.id]));
    });
  });

  describe("AC-03 B on A's profile and sessions", () => {
    it("AC-03 PATCH /users/me changes only B's own profile", async () => {
      const aliceBefore = await prismaOf(app).user.findUniqueOrThrow({ where: { id: alice.id } });
      const res = await http(app).patch(`${API}/users/me`).set(bearer(bob.accessToken)).send({ name: 'Bob renamed' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: bob.id, name: 'Bob renamed' });
      expect(await prismaOf(app).user.findUniqueOrThrow({ where: { id: alice.id } })).toEqual(aliceBefore);
    });

    it("AC-03 there is no route to write another user's profile (PATCH /users/:id is 404)", async () => {
      const aliceBefore = await prismaOf(app).user.findUniqueOrThrow({ where: { id: alice.id } });
      for (const method of ['patch', 'put', 'delete'] as const) {
        const res = await http(app)[method](`${API}/users/${alice.id}`).set(bearer(bob.accessToken)).send({ name: 'Hacked' });
        expectError(res, 404);
      }
      expect(await prismaOf(app).user.findUniqueOrThrow({ where: { id: alice.id } })).toEqual(aliceBefore);
    });

    it("AC-03 B cannot revoke A's session (404), and A's token keeps working", async () => {
      const sessionId = await currentSessionId(app, alice);
      const res = await http(app).delete(`${API}/auth/sessions/${sessionId}`).set(bearer(bob.accessToken));
      expectError(res, 404);
      const session = await prismaOf(app).session.findUniqueOrThrow({ where: { id: sessionId } });
      expect(session.revokedAt).toBeNull();
      const me = await http(app).get(`${API}/users/me`).set(bearer(alice.accessToken));
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(alice.id);
    });

    it("AC-03 B cannot list A's sessions: GET /auth/sessions shows only B's", async () => {
      const aliceSession = await currentSessionId(app, alice);
      const res = await http(app).get(`${API}/auth/sessions`).set(bearer(bob.accessToken));
      expect(res.status).toBe(200);
      const ids = (res.body as { id: string }[]).map((s) => s.id);
      expect(ids).not.toContain(aliceSession);
      const bobs = await prismaOf(app).session.findMany({ where: { id: { in: ids } }, select: { userId: true } });
      expect(bobs.every((s) => s.userId === bob.id)).toBe(true);
    });

    it("AC-03 B's GET /users/:A returns only public fields", async () => {
      const res = await http(app).get(`${API}/users/${alice.id}`).set(bearer(bob.accessToken));
      expect(res.status).toBe(200);
      expect(keysOf(res.body)).toEqual(PUBLIC_USER_KEYS);
      expect(res.body).toMatchObject({ id: alice.id, name: alice.name });
      expect(JSON.stringify(res.body)).not.toContain(alice.email);
    });

    it('AC-03 an unknown user id is 404, the same as for any missing object', async () => {
      const res = await http(app).get(`${API}/users/${randomUUID()}`).set(bearer(bob.accessToken));
      expectError(res, 404);
    });
  });
});
