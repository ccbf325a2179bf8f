import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, type TestUser } from '../setup/factories.js';

describe('posts (e2e)', () => {
  const getApp = useTestApp();
  let author: TestUser;
  let other: TestUser;
  let moderator: TestUser;
  let admin: TestUser;
  const http = () => request(getApp().getHttpServer());

  beforeAll(async () => {
    [author, other, moderator, admin] = await Promise.all([
      createUser(getApp()),
      createUser(getApp()),
      createUser(getApp(), Role.moderator),
      createUser(getApp(), Role.admin),
    ]);
  });

  describe('POST /posts', () => {
    it('creates a post authored by the caller, with HTML stripped', async () => {
      const res = await http()
        .post(`${API}/posts`)
        .set(bearer(author.accessToken))
        .send({ title: 'Hello <b>world</b>', content: '<script>alert(1)</script><p>Hi</p>', tags: ['<i>x</i>'], isPublished: true });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ authorId: author.id, title: 'Hello world', content: 'Hi', tags: ['x'], isPublished: true });
      expect(res.body.content).not.toContain('<');
    });

    describe('stored text keeps its meaning: sanitised first, then validated, stored plain', () => {
      const create = (body: object) => http().post(`${API}/posts`).set(bearer(author.accessToken)).send({ content: 'x', ...body });
      const stored = async (id: string) => getApp().get(PrismaService).post.findUniqueOrThrow({ where: { id } });

      it('a title made only of tags is empty once stripped: 400, nothing stored', async () => {
        for (const title of ['<b></b><i></i>', '<b>ab</b>', '<script>long enough</script>']) {
          const res = await create({ title });
          expect(res.status).toBe(400);
          expect(res.body.details).toContainEqual({ field: 'title', message: expect.any(String) });
        }
      });

      it('200 ampersands are a 200-character title, stored as typed', async () => {
        const res = await create({ title: '&'.repeat(200) });
        expect(res.status).toBe(201);
        expect((await stored(res.body.id)).title).toBe('&'.repeat(200));
        expect((await create({ title: '&'.repeat(201) })).status).toBe(400);
      });

      it('50,000 "<" are 50,000 characters of content, stored as typed; one more is 400', async () => {
        const res = await create({ title: 'Less than', content: '<'.repeat(50_000) });
        expect(res.status).toBe(201);
        expect((await stored(res.body.id)).content).toBe('<'.repeat(50_000));
        expect((await create({ title: 'Less than', content: '<'.repeat(50_001) })).status).toBe(400);
      });

      it('"Tom & Jerry" and "a < b" are stored and answered as typed, not entity-encoded', async () => {
        const res = await create({ title: 'Tom & Jerry', content: 'a < b && c > "d"', tags: ['R&D'] });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ title: 'Tom & Jerry', content: 'a < b && c > "d"', tags: ['R&D'] });
        expect(await stored(res.body.id)).toMatchObject({ title: 'Tom & Jerry', content: 'a < b && c > "d"', tags: ['R&D'] });
      });

      it('a tag that is only markup is empty once stripped: 400', async () => {
        const res = await create({ title: 'Tagged', tags: ['<i></i>'] });
        expect(res.status).toBe(400);
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain('tags');
      });

      it('PATCH sanitises before validating too', async () => {
        const post = await create({ title: 'Patchable' });
        const res = await http().patch(`${API}/posts/${post.body.id}`).set(bearer(author.accessToken)).send({ title: '<b></b>' });
        expect(res.status).toBe(400);
        expect((await stored(post.body.id)).title).toBe('Patchable');
      });
    });

    it('defaults to an unpublished draft with no tags', async () => {
      const res = await http().post(`${API}/posts`).set(bearer(author.accessToken)).send({ title: 'Draft', content: '' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ isPublished: false, tags: [] });
    });

    it.each([
      ['a title under 3 characters', { title: 'ab', content: 'x' }, 'title'],
      ['a title over 200 characters', { title: 'x'.repeat(201), content: 'x' }, 'title'],
      ['content over 50,000 characters', { title: 'Valid', content: 'x'.repeat(50_001) }, 'content'],
      ['more than 10 tags', { title: 'Valid', content: 'x', tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
      ['a non-boolean isPublished', { title: 'Valid', content: 'x', isPublished: 'yes' }, 'isPublished'],
      ['an authorId in the body', { title: 'Valid', content: 'x', authorId: '00000000-0000-4000-8000-000000000000' }, 'authorId'],
    ])('refuses %s with 400 and field details', async (_name, body, field) => {
      const res = await http().post(`${API}/posts`).set(bearer(author.accessToken)).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'Validation failed', requestId: expect.any(String), details: expect.any(Array) });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  describe('GET /posts/:id', () => {
    it('returns a published post to anyone signed in', async () => {
      const post = await createPost(getApp(), author, { isPublished: true });
      const res = await http().get(`${API}/posts/${post.id}`).set(bearer(other.accessToken));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(post.id);
    });

    it("answers 403 Access denied for someone else's draft, 200 for its author and a moderator", async () => {
      const draft = await createPost(getApp(), author);
      const denied = await http().get(`${API}/posts/${draft.id}`).set(bearer(other.accessToken));
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ error: 'Access denied', requestId: expect.any(String) });
      expect((await http().get(`${API}/posts/${draft.id}`).set(bearer(author.accessToken))).status).toBe(200);
      expect((await http().get(`${API}/posts/${draft.id}`).set(bearer(moderator.accessToken))).status).toBe(200);
    });

    it('answers 404 for an absent post and 400 for a malformed id', async () => {
      const missing = await http().get(`${API}/posts/7d1f4a4e-4a55-4e2b-9c3e-3b2f0f6f0c11`).set(bearer(other.accessToken));
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('Post not found');
      const bad = await http().get(`${API}/posts/1%20OR%201=1`).set(bearer(other.accessToken));
      expect(bad.status).toBe(400);
    });
  });

  describe('PATCH /posts/:id', () => {
    it('lets the author update, refuses another user, lets an admin update any', async () => {
      const post = await createPost(getApp(), author, { isPublished: true });
      const own = await http().patch(`${API}/posts/${post.id}`).set(bearer(author.accessToken)).send({ title: 'Edited' });
      expect(own.status).toBe(200);
      expect(own.body.title).toBe('Edited');
      const foreign = await http().patch(`${API}/posts/${post.id}`).set(bearer(other.accessToken)).send({ title: 'Hijack' });
      expect(foreign.status).toBe(403);
      const mod = await http().patch(`${API}/posts/${post.id}`).set(bearer(moderator.accessToken)).send({ title: 'Mod edit' });
      expect(mod.status).toBe(403);
      const byAdmin = await http().patch(`${API}/posts/${post.id}`).set(bearer(admin.accessToken)).send({ title: 'Admin edit' });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.authorId).toBe(author.id);
    });
  });

  describe('DELETE /posts/:id', () => {
    it('lets the author and a moderator delete, refuses another user', async () => {
      const [a, b] = await Promise.all([createPost(getApp(), author), createPost(getApp(), author, { isPublished: true })]);
      expect((await http().delete(`${API}/posts/${a.id}`).set(bearer(other.accessToken))).status).toBe(403);
      expect((await http().delete(`${API}/posts/${a.id}`).set(bearer(author.accessToken))).status).toBe(204);
      expect((await http().get(`${API}/posts/${a.id}`).set(bearer(author.accessToken))).status).toBe(404);
      expect((await http().delete(`${API}/posts/${b.id}`).set(bearer(moderator.accessToken))).status).toBe(204);
      expect((await http().delete(`${API}/posts/${b.id}`).set(bearer(moderator.accessToken))).status).toBe(404);
    });
  });

  describe('GET /posts', () => {
    it('paginates published posts plus own drafts, with X-Total-Count', async () => {
      const writer = await createUser(getApp());
      const word = `zebra${Date.now()}`;
      await Promise.all([
        ...Array.from({ length: 3 }, (_, i) => createPost(getApp(), writer, { title: `${word} ${i}`, isPublished: true })),
        createPost(getApp(), writer, { title: `${word} draft` }),
      ]);
      const page = await http().get(`${API}/posts?q=${word}&page=1&limit=2`).set(bearer(writer.accessToken));
      expect(page.status).toBe(200);
      expect(page.body).toHaveLength(2);
      expect(page.headers['x-total-count']).toBe('4');
      const seenByOther = await http().get(`${API}/posts?q=${word}&limit=100`).set(bearer(other.accessToken));
      expect(seenByOther.headers['x-total-count']).toBe('3');
      expect(seenByOther.body.every((p: { isPublished: boolean }) => p.isPublished)).toBe(true);
    });

    it('treats search text as data, never as SQL or query syntax', async () => {
      for (const q of ["' OR 1=1 --", '"unterminated', 'a & | ! ( )', "'; DROP TABLE posts; --"]) {
        const res = await http().get(`${API}/posts`).query({ q }).set(bearer(other.accessToken));
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body)).toBe(true);
      }
    });

    it.each([
      ['limit over 100', 'limit=101'],
      ['limit zero', 'limit=0'],
      ['a non-numeric page', 'page=abc'],
      ['a repeated limit', 'limit=1&limit=2'],
      ['an unknown parameter', 'sort=title'],
    ])('refuses %s with 400', async (_name, query) => {
      const res = await http().get(`${API}/posts?${query}`).set(bearer(other.accessToken));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('Validation failed');
    });
  });
});
