import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dropDatabase, ensureDatabase, migrateDeploy } from '../../scripts/lib/database-admin.js';
import { AppConfig } from '../../src/config/app-config.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { hashToken } from '../../src/common/crypto/opaque-token.js';
import { createTestApp } from '../setup/create-test-app.js';
import { API, createPost, createUser, login, type TestUser } from '../setup/factories.js';
import { call as send, type Reply } from '../security/support/live-app.js';
import { waitFor } from './support/app.js';
import { recordFigures } from './support/report.js';

/**
 * Races, over real HTTP: the app listens on a port and every request of a burst has its own TCP
 * connection, sent at the same moment, so the requests really overlap in the app and in
 * PostgreSQL. Each case runs several rounds: a race that is lost once in a while shows up.
 */

const ROUNDS = 5;
const BURST = 20;
/** Rounds that passed, per race, for the figures in docs/TESTING.md. */
const passed = { refresh: 0, edits: 0, demotions: 0 };

const statuses = (replies: Reply[]) => replies.map((r) => r.status).sort((a, b) => a - b);
const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;
async function listeningApp(env: Record<string, string> = {}): Promise<NestExpressApplication> {
  const app = await createTestApp(env);
  await app.listen(0, '127.0.0.1');
  return app;
}

describe('races (resilience)', () => {
  let app: NestExpressApplication;
  const prisma = () => app.get(PrismaService);

  beforeAll(async () => {
    app = await listeningApp();
  });
  afterAll(async () => {
    await app?.close();
    recordFigures('races', [
      `- **Races** (over real HTTP, one connection per request, ${ROUNDS} rounds each): ${BURST} concurrent refreshes of one token, exactly one`,
      `  200 (${passed.refresh}/${ROUNDS} rounds); ${BURST} concurrent PATCH/DELETE of one post with one If-Match, exactly one write, the rest 412,`,
      `  and ${BURST} without If-Match, no increment lost (${passed.edits}/${3 * ROUNDS}); admins demoting each other or themselves at once,`,
      `  always one admin left (${passed.demotions}/${2 * ROUNDS}).`,
    ]);
  });

  /**
   * docs/API.md §2: two concurrent refreshes with one token, exactly one succeeds. The losers present
   * a token that has just been rotated out, which is what a replay looks like: reuse detection
   * (refresh-sessions.service.ts) revokes the whole family, so the winner's new pair dies too.
   */
  describe('a. concurrent refreshes of one refresh token', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await createUser(app);
    });

    it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: exactly one 200, the family revoked after', async () => {
      const { refreshToken } = await login(app, user.email, user.password);
      const replies = await Promise.all(
        Array.from({ length: BURST }, () => send(app, 'POST', `${API}/auth/refresh`, { body: { refreshToken } })),
      );

      expect(statuses(replies)).toEqual([200, ...Array<number>(BURST - 1).fill(401)]);
      for (const loser of replies.filter((r) => r.status === 401)) {
        expect(loser.body).toEqual({ error: 'Invalid refresh token', requestId: expect.any(String) });
      }
      const winner = replies.find((r) => r.status === 200)!.body as { accessToken: string; refreshToken: string };
      expect(winner.refreshToken).not.toBe(refreshToken);

      // The compare-and-swap let one rotation through: the presented token and one successor, no more.
      const presented = await prisma().refreshToken.findUniqueOrThrow({
        where: { tokenHash: hashToken(refreshToken) },
        select: { sessionId: true, rotatedAt: true },
      });
      expect(presented.rotatedAt).toEqual(expect.any(Date));
      const session = await prisma().session.findUniqueOrThrow({
        where: { id: presented.sessionId },
        select: { revokedAt: true, revokedReason: true, _count: { select: { refreshTokens: true } } },
      });
      expect(session).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'refresh-token-reuse', _count: { refreshTokens: 2 } });

      expect((await send(app, 'POST', `${API}/auth/refresh`, { body: { refreshToken: winner.refreshToken } })).status).toBe(401);
      await waitFor(
        async () => (await send(app, 'GET', `${API}/users/me`, { token: winner.accessToken })).status === 401,
        3_000,
        "the winner's access token refused once its family is revoked",
      );
      passed.refresh++;
    });
  });

  /** Optimistic concurrency (If-Match, 412): no lost update, whatever the interleaving. */
  describe('b. concurrent edits of one post', () => {
    let author: TestUser;
    const edit = (id: string, title: string, ifMatch?: string) =>
      send(app, 'PATCH', `${API}/posts/${id}`, { token: author.accessToken, body: { title }, headers: ifMatch ? { 'if-match': ifMatch } : {} });
    const stored = (id: string) => prisma().post.findUnique({ where: { id }, select: { title: true, version: true } });

    beforeAll(async () => {
      author = await createUser(app);
    });

    it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))(`round %i: ${BURST} PATCHes with one If-Match: one 200, the rest 412`, async () => {
      const post = await createPost(app, author);
      const replies = await Promise.all(Array.from({ length: BURST }, (_, i) => edit(post.id, `Writer ${i}`, '"1"')));

      expect(statuses(replies)).toEqual([200, ...Array<number>(BURST - 1).fill(412)]);
      const winner = replies.find((r) => r.status === 200)!;
      expect(winner.headers.etag).toBe('"2"');
      for (const loser of replies.filter((r) => r.status === 412)) {
        expect(loser.body).toEqual({ error: 'Precondition failed: the post has changed since it was read', requestId: expect.any(String) });
      }
      expect(await stored(post.id)).toEqual({ title: winner.body.title, version: 2 });
      passed.edits++;
    });

    it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: PATCHes without If-Match all land, no increment lost', async () => {
      const post = await createPost(app, author);
      const replies = await Promise.all(Array.from({ length: BURST }, (_, i) => edit(post.id, `Writer ${i}`)));

      expect(count(replies, 200)).toBe(BURST);
      // Each write saw its own version: they were applied one after the other, none overwritten unseen.
      const versions = replies.map((r) => r.body.version as number).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: BURST }, (_, i) => i + 2));
      const last = replies.find((r) => r.body.version === BURST + 1)!;
      expect(await stored(post.id)).toEqual({ title: last.body.title, version: 1 + BURST });
      passed.edits++;
    });

    it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: PATCHes and DELETEs with one If-Match: exactly one write wins', async () => {
      const post = await createPost(app, author);
      const replies = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          i % 2 === 0
            ? edit(post.id, `Writer ${i}`, '"1"')
            : send(app, 'DELETE', `${API}/posts/${post.id}`, { token: author.accessToken, headers: { 'if-match': '"1"' } }),
        ),
      );

      const wins = replies.filter((r) => r.status === 200 || r.status === 204);
      expect(wins).toHaveLength(1);
      const [win] = wins;
      if (win.status === 204) {
        // Deleted first: every other write finds no post (404), whether it looked before or after.
        expect(statuses(replies)).toEqual([204, ...Array<number>(BURST - 1).fill(404)]);
        expect(await stored(post.id)).toBeNull();
      } else {
        for (const reply of replies) expect([200, 412]).toContain(reply.status);
        expect(await stored(post.id)).toEqual({ title: win.body.title, version: 2 });
      }
      passed.edits++;
    });
  });
  /**
   * PATCH /admin/users/:id/role: the last admin cannot be demoted (409), however the demotions
   * race. Role changes run one at a time under a lock, and each re-reads its actor's role: an
   * admin demoted a moment ago gets 403 for a change still in flight. On a database of its own,
   * so the count of admins is exactly the admins this test made. Last in the file: passport keeps
   * one strategy per name for the whole process, so once this second app exists, bearer tokens of
   * the first app are checked against this app's database.
   */
  describe('c. concurrent demotions of the admins', () => {
    let iso: NestExpressApplication;
    let serverUrl: string;
    let database: string;
    const admins = () => iso.get(PrismaService).user.findMany({ where: { role: Role.admin }, select: { id: true } });
    const demote = (actor: TestUser, target: TestUser) =>
      send(iso, 'PATCH', `${API}/admin/users/${target.id}/role`, { token: actor.accessToken, body: { role: Role.user } });

    /** Three fresh admins, and no other admin in the database. */
    async function threeAdmins(): Promise<TestUser[]> {
      await iso.get(PrismaService).user.updateMany({ where: { role: Role.admin }, data: { role: Role.user } });
      return Promise.all([createUser(iso, Role.admin), createUser(iso, Role.admin), createUser(iso, Role.admin)]);
    }

    beforeAll(async () => {
      serverUrl = app.get(AppConfig).database.url;
      database = `${new URL(serverUrl).pathname.slice(1)}_races`;
      const url = await ensureDatabase(serverUrl, database);
      migrateDeploy(url);
      iso = await listeningApp({ DATABASE_URL: url });
    }, 60_000);
    afterAll(async () => {
      await iso?.close();
      if (database) await dropDatabase(serverUrl, database);
    });

    it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: each admin demoting the two others: one admin remains', async () => {
      const team = await threeAdmins();
      const pairs = team.flatMap((actor) => team.filter((t) => t !== actor).map((target) => ({ actor, target })));
      const replies = await Promise.all(pairs.map(({ actor, target }) => demote(actor, target)));

      const remaining = await admins();
      expect(remaining).toHaveLength(1);
      const [survivor] = remaining;
      // The survivor was an admin all along, so both its demotions went through.
      const survivorReplies = replies.filter((_, i) => pairs[i].actor.id === survivor.id);
      expect(statuses(survivorReplies)).toEqual([200, 200]);
      // Refused: demoted before its request was authenticated (401) or before it ran (403).
      for (const reply of replies) expect([200, 401, 403]).toContain(reply.status);
      expect(count(replies, 200)).toBeGreaterThanOrEqual(2);
      passed.demotions++;
    });

    it.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('round %i: three admins demoting themselves: two succeed, 409 for the last', async () => {
      const team = await threeAdmins();
      const replies = await Promise.all(team.map((a) => demote(a, a)));

      expect(statuses(replies)).toEqual([200, 200, 409]);
      expect(replies.find((r) => r.status === 409)!.body).toEqual({ error: 'The last admin cannot be demoted', requestId: expect.any(String) });
      const remaining = await admins();
      expect(remaining).toHaveLength(1);
      expect(team[replies.findIndex((r) => r.status === 409)].id).toBe(remaining[0].id);
      passed.demotions++;
    });
  });

});
