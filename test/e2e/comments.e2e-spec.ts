import { describe, expect, it, beforeAll } from '@jest/globals';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, type TestUser } from '../setup/factories.js';

describe('comments (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());
  let author: TestUser;
  let reader: TestUser;
  let postId: string;

  const add = (user: TestUser, content: unknown, post = postId) => http().post(`${API}/posts/${post}/comments`).set(bearer(user.accessToken)).send({ content });

  beforeAll(async () => {
    [author, reader] = await Promise.all([createUser(getApp()), createUser(getApp())]);
    postId = (await createPost(getApp(), author, { isPublished: true })).id;
  });

  it('adds a comment authored by the caller, and lists a post\'s comments oldest first, paginated', async () => {
    const post = (await createPost(getApp(), author, { isPublished: true })).id;
    const ids: string[] = [];
    for (const [i, user] of [author, reader, author].entries()) {
      const res = await add(user, `comment ${i}`, post);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), postId: post, authorId: user.id, content: `comment ${i}`, createdAt: expect.any(String), updatedAt: expect.any(String) });
      ids.push(res.body.id);
    }
    const all = await http().get(`${API}/posts/${post}/comments`).set(bearer(reader.accessToken));
    expect(all.status).toBe(200);
    expect(all.headers['x-total-count']).toBe('3');
    expect(all.body.map((c: { id: string }) => c.id)).toEqual(ids);
    const second = await http().get(`${API}/posts/${post}/comments?page=2&limit=2`).set(bearer(reader.accessToken));
    expect(second.body.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
    expect(second.headers['x-total-count']).toBe('3');
  });

  it('the comment\'s author edits it; the content is sanitised, then validated', async () => {
    const created = await add(reader, 'first version');
    const res = await http().patch(`${API}/comments/${created.body.id}`).set(bearer(reader.accessToken)).send({ content: '<b>Tom</b> & Jerry' });
    expect(res.status).toBe(200);
    expect(res.body.content).toBe('Tom & Jerry');
    expect((await getApp().get(PrismaService).comment.findUniqueOrThrow({ where: { id: created.body.id } })).content).toBe('Tom & Jerry');
  });

  it.each([
    ['empty', ''],
    ['only markup, empty once stripped', '<b></b><i></i>'],
    ['over 5,000 characters', 'x'.repeat(5001)],
    ['not a string', 42],
    ['null', null],
  ])('refuses content that is %s with 400', async (_what, content) => {
    const res = await add(reader, content);
    expect(res.status).toBe(400);
    expect(res.body.details).toContainEqual({ field: 'content', message: expect.any(String) });
  });

  it('counts characters as stored: variation selectors and astral characters count (no 10,000 units under a 5,000 limit)', async () => {
    expect((await add(reader, 'a\uFE0F'.repeat(2500))).status).toBe(201);
    const over = await add(reader, 'a\uFE0F'.repeat(2501));
    expect(over.status).toBe(400);
    expect(over.body.details).toContainEqual({ field: 'content', message: 'content must be 1..5000 characters long' });
    expect((await add(reader, '🙂\uFE0F'.repeat(2501))).status).toBe(400);
  });

  it('5,000 "<" are 5,000 characters, stored as typed', async () => {
    const res = await add(reader, '<'.repeat(5000));
    expect(res.status).toBe(201);
    expect(res.body.content).toBe('<'.repeat(5000));
  });

  it('comments go with their post, and with their author\'s account', async () => {
    const post = (await createPost(getApp(), author, { isPublished: true })).id;
    const created = await add(reader, 'gone soon', post);
    expect((await http().delete(`${API}/posts/${post}`).set(bearer(author.accessToken))).status).toBe(204);
    expect(await getApp().get(PrismaService).comment.count({ where: { id: created.body.id } })).toBe(0);
  });

  it('a bad id is 400, not 500', async () => {
    expect((await http().get(`${API}/posts/not-a-uuid/comments`).set(bearer(reader.accessToken))).status).toBe(400);
    expect((await http().patch(`${API}/comments/not-a-uuid`).set(bearer(reader.accessToken)).send({ content: 'x' })).status).toBe(400);
  });
});
