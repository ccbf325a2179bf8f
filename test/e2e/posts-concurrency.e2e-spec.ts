import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Role } from '../../src/generated/prisma/enums.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, type TestUser } from '../setup/factories.js';

/**
 * Optimistic concurrency on posts (RFC 9110 §8.8.3, §13.1.1): the ETag is the post's version, a
 * write with a stale If-Match is refused with 412 and changes nothing, and the precondition is
 * only looked at once the caller is allowed to write (no version oracle for strangers).
 */
describe('posts: ETag and If-Match (e2e)', () => {
  const getApp = useTestApp();
  let author: TestUser;
  let stranger: TestUser;
  let moderator: TestUser;
  const http = () => request(getApp().getHttpServer());
  const STALE = { error: 'Precondition failed: the post has changed since it was read', requestId: expect.any(String) };

  const read = async (id: string) => {
    const res = await http().get(`${API}/posts/${id}`).set(bearer(author.accessToken));
    expect(res.status).toBe(200);
    return res;
  };
  const patch = (user: TestUser, id: string, body: object, ifMatch?: string) => {
    const req = http().patch(`${API}/posts/${id}`).set(bearer(user.accessToken));
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send(body);
  };
  const remove = (user: TestUser, id: string, ifMatch?: string) => {
    const req = http().delete(`${API}/posts/${id}`).set(bearer(user.accessToken));
    return ifMatch === undefined ? req : req.set('If-Match', ifMatch);
  };

  beforeAll(async () => {
    [author, stranger, moderator] = await Promise.all([
      createUser(getApp()),
      createUser(getApp()),
      createUser(getApp(), Role.moderator),
    ]);
  });

  describe('ETag', () => {
    it('comes with the created post, the read and every update, as "<version>"', async () => {
      const created = await http().post(`${API}/posts`).set(bearer(author.accessToken)).send({ title: 'Tagged', content: 'v1' });
      expect(created.status).toBe(201);
      expect(created.headers.etag).toBe('"1"');
      expect(created.body.version).toBe(1);

      const got = await read(created.body.id);
      expect(got.headers.etag).toBe('"1"');
      expect(got.body.version).toBe(1);

      const updated = await patch(author, created.body.id, { content: 'v2' }, '"1"');
      expect(updated.status).toBe(200);
      expect(updated.headers.etag).toBe('"2"');
      expect(updated.body).toMatchObject({ content: 'v2', version: 2 });
      expect((await read(created.body.id)).headers.etag).toBe('"2"');
    });

    it('lists posts with their version, so a list reader can send If-Match without a GET', async () => {
      const post = await createPost(getApp(), author, { isPublished: true, title: `listed ${Date.now()}` });
      const res = await http().get(`${API}/posts?limit=100`).set(bearer(author.accessToken));
      expect(res.body.find((p: { id: string }) => p.id === post.id)).toMatchObject({ version: 1 });
    });

    it('answers 304 to a GET whose If-None-Match names the current ETag', async () => {
      const post = await createPost(getApp(), author);
      const same = await http().get(`${API}/posts/${post.id}`).set(bearer(author.accessToken)).set('If-None-Match', '"1"');
      expect(same.status).toBe(304);
      await patch(author, post.id, { title: 'Changed' });
      const changed = await http().get(`${API}/posts/${post.id}`).set(bearer(author.accessToken)).set('If-None-Match', '"1"');
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).toBe('"2"');
    });

    it('is exposed to allowed browser origins through CORS', async () => {
      const post = await createPost(getApp(), author);
      const res = await http().get(`${API}/posts/${post.id}`).set(bearer(author.accessToken)).set('Origin', 'https://app.example.com');
      expect(String(res.headers['access-control-expose-headers']).toLowerCase().split(/\s*,\s*/)).toContain('etag');
    });
  });

  describe('If-Match on PATCH', () => {
    it('applies a write based on the current version and moves the ETag on', async () => {
      const post = await createPost(getApp(), author);
      const first = await patch(author, post.id, { title: 'First edit' }, '"1"');
      expect(first.status).toBe(200);
      const second = await patch(author, post.id, { title: 'Second edit' }, first.headers.etag);
      expect(second.status).toBe(200);
      expect(second.headers.etag).toBe('"3"');
    });

    it('refuses a stale one with 412 and the standard body, and changes nothing', async () => {
      const post = await createPost(getApp(), author, { title: 'Original' });
      expect((await patch(author, post.id, { content: 'edited by someone else' }, '"1"')).status).toBe(200);

      const stale = await patch(author, post.id, { title: 'Lost update' }, '"1"');
      expect(stale.status).toBe(412);
      expect(stale.body).toEqual(STALE);
      expect(stale.headers['x-request-id']).toBe(stale.body.requestId);
      const after = await read(post.id);
      expect(after.body).toMatchObject({ title: 'Original', content: 'edited by someone else', version: 2 });
    });

    it('matches any existing version with *, and any tag of a list', async () => {
      const post = await createPost(getApp(), author);
      const any = await patch(author, post.id, { title: 'Star' }, '*');
      expect(any.status).toBe(200);
      expect(any.headers.etag).toBe('"2"');
      const list = await patch(author, post.id, { title: 'Listed' }, '"9", "2"');
      expect(list.status).toBe(200);
      expect(list.headers.etag).toBe('"3"');
    });

    it.each([
      ['a weak tag (strong comparison)', 'W/"1"'],
      ['an unquoted version', '1'],
      ['an unterminated tag', '"1'],
      ['* inside a list', '*, "1"'],
      ['a foreign tag', '"abc"'],
      ['an empty value', ''],
    ])('treats %s as not matching: 412, nothing written', async (_name, ifMatch) => {
      const post = await createPost(getApp(), author, { title: 'Untouched' });
      const res = await patch(author, post.id, { title: 'Should not land' }, ifMatch);
      expect(res.status).toBe(412);
      expect(res.body).toEqual(STALE);
      expect((await read(post.id)).body).toMatchObject({ title: 'Untouched', version: 1 });
    });

    it('still allows a write without If-Match (unconditional), which bumps the version too', async () => {
      const post = await createPost(getApp(), author);
      const res = await patch(author, post.id, { title: 'No precondition' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body.version).toBe(2);
    });

    it('validates the body before the precondition (400, not 412)', async () => {
      const post = await createPost(getApp(), author);
      const res = await patch(author, post.id, { title: 'x' }, '"7"');
      expect(res.status).toBe(400);
    });

    it('refuses a client-chosen version in the body (400): only the server moves it', async () => {
      const post = await createPost(getApp(), author);
      const res = await patch(author, post.id, { title: 'Rewind', version: 1 }, '"1"');
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain('version');
      expect((await read(post.id)).body.version).toBe(1);
    });
  });

  describe('If-Match on DELETE', () => {
    it('refuses a stale one with 412 and keeps the post; the current one deletes it', async () => {
      const post = await createPost(getApp(), author);
      await patch(author, post.id, { title: 'Moved on' });

      const stale = await remove(author, post.id, '"1"');
      expect(stale.status).toBe(412);
      expect(stale.body).toEqual(STALE);
      expect((await read(post.id)).body.title).toBe('Moved on');

      expect((await remove(author, post.id, '"2"')).status).toBe(204);
      expect((await http().get(`${API}/posts/${post.id}`).set(bearer(author.accessToken))).status).toBe(404);
    });

    it('applies to whoever may delete: a moderator with a stale tag gets 412 too', async () => {
      const post = await createPost(getApp(), author, { isPublished: true });
      await patch(author, post.id, { content: 'newer' });
      expect((await remove(moderator, post.id, '"1"')).status).toBe(412);
      expect((await remove(moderator, post.id, '*')).status).toBe(204);
    });
  });

  describe('no version oracle', () => {
    it('gives a stranger the same 403 whatever If-Match they send, and writes nothing', async () => {
      const post = await createPost(getApp(), author, { isPublished: true, title: 'Mine' });
      const answers = await Promise.all([
        patch(stranger, post.id, { title: 'Hijack' }),
        patch(stranger, post.id, { title: 'Hijack' }, '"1"'),
        patch(stranger, post.id, { title: 'Hijack' }, '"41"'),
        patch(stranger, post.id, { title: 'Hijack' }, 'garbage'),
        remove(stranger, post.id, '"41"'),
        remove(stranger, post.id, '"1"'),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: 'Access denied', requestId: expect.any(String) });
        expect(res.headers.etag).toBeUndefined();
      }
      expect((await read(post.id)).body).toMatchObject({ title: 'Mine', version: 1 });
    });

    it("answers 404, not 412, for an absent post, and 403 for someone else's draft, with a stale If-Match", async () => {
      const missing = await patch(author, '7d1f4a4e-4a55-4e2b-9c3e-3b2f0f6f0c11', { title: 'Ghost' }, '"1"');
      expect(missing.status).toBe(404);
      expect(missing.body.error).toBe('Post not found');
      expect((await remove(author, '7d1f4a4e-4a55-4e2b-9c3e-3b2f0f6f0c11', '"1"')).status).toBe(404);

      const draft = await createPost(getApp(), author);
      expect((await patch(stranger, draft.id, { title: 'Peek' }, '"99"')).status).toBe(403);
      expect((await http().get(`${API}/posts/${draft.id}`).set(bearer(stranger.accessToken))).headers.etag).toBeUndefined();
    });
  });
});
