/**
 * OWASP API1 (broken object level authorization) for comments, the second resource: checklist
 * AC-02 (B on A's unpublished post) and AC-03 (B on A's objects), applied to what hangs off a
 * post. A draft's comments must answer exactly as the draft does, and never leak through a
 * list, a count or a page.
 */
import { describe, expect, it, beforeAll } from '@jest/globals';
import { Role } from '../../src/generated/prisma/enums.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, type TestUser } from '../setup/factories.js';
import { createApiKey } from './support/auth-flows.js';
import { expectError, http, prismaOf } from './support/authz.js';

describe('API1 comments: object level authorization', () => {
  const app = useTestApp();
  let alice: TestUser;
  let bob: TestUser;
  let moderator: TestUser;
  let admin: TestUser;
  let draftId: string;
  let publishedId: string;
  let aliceCommentOnDraft: string;
  let aliceCommentOnPublished: string;

  const comment = (user: TestUser, postId: string, content: string) =>
    http(app()).post(`${API}/posts/${postId}/comments`).set(bearer(user.accessToken)).send({ content });
  const list = (user: TestUser, postId: string, query = '') => http(app()).get(`${API}/posts/${postId}/comments${query}`).set(bearer(user.accessToken));
  const patch = (user: TestUser, id: string, content: string) => http(app()).patch(`${API}/comments/${id}`).set(bearer(user.accessToken)).send({ content });
  const remove = (user: TestUser, id: string) => http(app()).delete(`${API}/comments/${id}`).set(bearer(user.accessToken));
  const stored = (id: string) => prismaOf(app()).comment.findUnique({ where: { id } });

  beforeAll(async () => {
    [alice, bob, moderator, admin] = await Promise.all([createUser(app()), createUser(app()), createUser(app(), Role.moderator), createUser(app(), Role.admin)]);
    draftId = (await createPost(app(), alice, { title: 'Alice draft', isPublished: false })).id;
    publishedId = (await createPost(app(), alice, { title: 'Alice public', isPublished: true })).id;
    aliceCommentOnDraft = (await comment(alice, draftId, 'note to self')).body.id;
    aliceCommentOnPublished = (await comment(alice, publishedId, 'first')).body.id;
  });

  describe("AC-02 B on the comments of A's draft: answered exactly as the draft", () => {
    it("AC-02 B cannot list, count or page through the comments of A's draft (403, as GET /posts/:id)", async () => {
      expectError(await http(app()).get(`${API}/posts/${draftId}`).set(bearer(bob.accessToken)), 403, 'Access denied');
      for (const query of ['', '?page=1&limit=1', '?page=2&limit=100']) {
        const res = await list(bob, draftId, query);
        expectError(res, 403, 'Access denied');
        expect(res.headers['x-total-count']).toBeUndefined();
        expect(res.text).not.toContain('note to self');
      }
    });

    it("AC-02 B cannot comment on A's draft (403), and nothing is stored", async () => {
      const before = await prismaOf(app()).comment.count({ where: { postId: draftId } });
      expectError(await comment(bob, draftId, 'sneaky'), 403, 'Access denied');
      expect(await prismaOf(app()).comment.count({ where: { postId: draftId } })).toBe(before);
    });

    it("AC-02 B cannot edit or delete a comment on A's draft (403), and it is unchanged", async () => {
      expectError(await patch(bob, aliceCommentOnDraft, 'changed'), 403, 'Access denied');
      expectError(await remove(bob, aliceCommentOnDraft), 403, 'Access denied');
      expect((await stored(aliceCommentOnDraft))?.content).toBe('note to self');
    });

    it('AC-02 an unknown post or comment is 404, the same as for any missing object', async () => {
      const missing = '00000000-0000-4000-8000-000000000000';
      expectError(await list(bob, missing), 404, 'Post not found');
      expectError(await comment(bob, missing, 'x'), 404, 'Post not found');
      expectError(await patch(bob, missing, 'x'), 404, 'Comment not found');
      expectError(await remove(bob, missing), 404, 'Comment not found');
    });

    it("AC-02 a moderator and an admin may read the draft's comments; A sees her own", async () => {
      for (const reader of [alice, moderator, admin]) {
        const res = await list(reader, draftId);
        expect(res.status).toBe(200);
        expect(res.body.map((c: { id: string }) => c.id)).toContain(aliceCommentOnDraft);
      }
    });

    it('AC-02 when A unpublishes a post, its comments become as private as it is', async () => {
      const post = await createPost(app(), alice, { title: 'Soon private', isPublished: true });
      const bobs = await comment(bob, post.id, 'public remark');
      expect(bobs.status).toBe(201);
      expect((await http(app()).patch(`${API}/posts/${post.id}`).set(bearer(alice.accessToken)).send({ isPublished: false })).status).toBe(200);
      expectError(await list(bob, post.id), 403, 'Access denied');
      expectError(await patch(bob, bobs.body.id, 'edited'), 403, 'Access denied');
    });
  });

  describe("AC-03 B on A's comments of a published post", () => {
    it("AC-03 B reads them, but cannot edit or delete A's comment (403), and it is unchanged", async () => {
      expect((await list(bob, publishedId)).status).toBe(200);
      expectError(await patch(bob, aliceCommentOnPublished, 'rewritten by bob'), 403, 'Access denied');
      expectError(await remove(bob, aliceCommentOnPublished), 403, 'Access denied');
      expect((await stored(aliceCommentOnPublished))?.content).toBe('first');
    });

    it("AC-03 a moderator may delete A's comment but not edit it; an admin may edit it", async () => {
      const target = (await comment(alice, publishedId, 'to moderate')).body.id as string;
      expectError(await patch(moderator, target, 'moderated'), 403, 'Access denied');
      expect((await patch(admin, target, 'edited by an admin')).status).toBe(200);
      expect((await remove(moderator, target)).status).toBe(204);
      expect(await stored(target)).toBeNull();
    });

    it("AC-03 the post's author may delete B's comment on her post, but not edit it", async () => {
      const bobs = (await comment(bob, publishedId, 'bob was here')).body.id as string;
      expectError(await patch(alice, bobs, 'alice rewrote this'), 403, 'Access denied');
      expect((await remove(alice, bobs)).status).toBe(204);
    });

    it("AC-03 B's comments on B's own post cannot be removed by A", async () => {
      const bobsPost = await createPost(app(), bob, { title: 'Bob public', isPublished: true });
      const bobs = (await comment(bob, bobsPost.id, 'mine')).body.id as string;
      const alices = (await comment(alice, bobsPost.id, 'hers')).body.id as string;
      expectError(await remove(alice, bobs), 403, 'Access denied');
      expect((await remove(alice, alices)).status).toBe(204);
    });

    it('AC-03 an author in the body is refused (400): the author is the caller', async () => {
      const res = await http(app()).post(`${API}/posts/${publishedId}/comments`).set(bearer(bob.accessToken)).send({ content: 'x', authorId: alice.id });
      expect(res.status).toBe(400);
    });
  });

  describe('KEY-03 API keys and comments', () => {
    it('KEY-03 writing comments needs comments:write; reading them needs posts:read', async () => {
      const reader = await createApiKey(app(), bob, ['posts:read']);
      const writer = await createApiKey(app(), bob, ['comments:write']);
      const withKey = (key: string) => ({ 'X-API-Key': key });
      expect((await http(app()).get(`${API}/posts/${publishedId}/comments`).set(withKey(reader.key))).status).toBe(200);
      expectError(await http(app()).post(`${API}/posts/${publishedId}/comments`).set(withKey(reader.key)).send({ content: 'x' }), 403);
      expectError(await http(app()).get(`${API}/posts/${publishedId}/comments`).set(withKey(writer.key)), 403);
      const created = await http(app()).post(`${API}/posts/${publishedId}/comments`).set(withKey(writer.key)).send({ content: 'by key' });
      expect(created.status).toBe(201);
      expect(created.body.authorId).toBe(bob.id);
      expectError(await http(app()).get(`${API}/posts/${draftId}/comments`).set(withKey(reader.key)), 403, 'Access denied');
    });
  });
});
