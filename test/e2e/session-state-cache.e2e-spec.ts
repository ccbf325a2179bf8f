/**
 * The in-memory revocation check (SessionStateCache) against real PostgreSQL notifications:
 * changes made outside this app instance (another instance, an operator's SQL) reach it through
 * the auth_state trigger, and while its listener is down it reads the database instead.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { AppConfig } from '../../src/config/app-config.js';
import { Plan, Role } from '../../src/generated/prisma/enums.js';
import { LISTENER_NAME, SessionStateCache } from '../../src/database/session-state.cache.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, settleAuthState, type TestUser } from '../setup/factories.js';

/** A connection of its own, as another instance or an operator would have. */
let outsider: pg.Client;

beforeAll(async () => {
  outsider = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await outsider.connect();
});
afterAll(async () => {
  await outsider.end();
});

const sessionIdOf = (user: TestUser): string =>
  (JSON.parse(Buffer.from(user.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

/** The first status that differs from `from`, polling every 10 ms for at most `withinMs`. */
async function statusChange(probe: () => Promise<number>, from: number, withinMs: number): Promise<{ status: number; afterMs: number }> {
  const started = Date.now();
  for (;;) {
    const status = await probe();
    const afterMs = Date.now() - started;
    if (status !== from || afterMs > withinMs) return { status, afterMs };
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function until(condition: () => boolean, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('revocation served from memory, fed by PostgreSQL notifications', () => {
  const app = useTestApp();
  const me = (token: string) => request(app().getHttpServer()).get(`${API}/users/me`).set(bearer(token));
  const cache = () => app().get(SessionStateCache);

  it('the listener is up once the app has started', () => {
    expect(cache().isLive).toBe(true);
  });

  it('a session revoked by SQL from another connection is refused within 250 ms, though it was cached', async () => {
    const user = await createUser(app());
    expect((await me(user.accessToken)).status).toBe(200);
    expect(cache().get(sessionIdOf(user))).toBeDefined();

    await outsider.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [sessionIdOf(user)]);
    const change = await statusChange(async () => (await me(user.accessToken)).status, 200, 2_000);
    expect(change.status).toBe(401);
    expect(change.afterMs).toBeLessThan(250);
  });

  it('an admin demoted by SQL loses admin routes within 250 ms', async () => {
    const admin = await createUser(app(), Role.admin);
    const adminList = async () => (await request(app().getHttpServer()).get(`${API}/admin/users`).set(bearer(admin.accessToken))).status;
    expect(await adminList()).toBe(200);

    await outsider.query(`UPDATE users SET role = 'user' WHERE id = $1`, [admin.id]);
    const change = await statusChange(adminList, 200, 2_000);
    expect(change.status).toBe(403);
    expect(change.afterMs).toBeLessThan(250);
  });

  it('a deleted user is refused within 250 ms', async () => {
    const user = await createUser(app());
    expect((await me(user.accessToken)).status).toBe(200);
    await outsider.query('DELETE FROM users WHERE id = $1', [user.id]);
    // Until the notice arrives (a few ms), a request may still pass the token check and find
    // no user (404); it must never see the user again, and must be refused (401) within 250 ms.
    const seen: number[] = [];
    const change = await statusChange(
      async () => {
        const status = (await me(user.accessToken)).status;
        seen.push(status);
        return status === 404 ? 200 : status;
      },
      200,
      2_000,
    );
    expect(change.status).toBe(401);
    expect(change.afterMs).toBeLessThan(250);
    expect(seen.every((s) => s === 404 || s === 401)).toBe(true);
  });

  describe("read-your-own-writes: this instance's own changes apply from the very next request", () => {
    // No polling here: the API waits until its change has reached this instance's view
    // (SessionStateCache.settle), so the answer must be right the first time, every time.
    it('logout: the next request with the access token is 401', async () => {
      for (let i = 0; i < 20; i++) {
        const user = await createUser(app());
        expect((await me(user.accessToken)).status).toBe(200);
        expect(cache().get(sessionIdOf(user))).toBeDefined();
        expect((await request(app().getHttpServer()).post(`${API}/auth/logout`).set(bearer(user.accessToken))).status).toBe(204);
        expect((await me(user.accessToken)).status).toBe(401);
      }
    });

    it("a plan change: the user's next request already gets the new plan's budget", async () => {
      const admin = await createUser(app(), Role.admin);
      const limits = app().get(AppConfig).rateLimit.plans;
      for (let i = 0; i < 10; i++) {
        const user = await createUser(app());
        expect((await me(user.accessToken)).headers['ratelimit-limit']).toBe(String(limits.DEFAULT.limit));
        const change = await request(app().getHttpServer())
          .patch(`${API}/admin/users/${user.id}/plan`)
          .set(bearer(admin.accessToken))
          .send({ plan: Plan.PREMIUM });
        expect(change.status).toBe(200);
        expect((await me(user.accessToken)).headers['ratelimit-limit']).toBe(String(limits.PREMIUM.limit));
      }
    });

    it('a role change: the demoted user is refused from the next request', async () => {
      const admin = await createUser(app(), Role.admin);
      const other = await createUser(app(), Role.admin);
      expect((await request(app().getHttpServer()).get(`${API}/admin/users`).set(bearer(other.accessToken))).status).toBe(200);
      const change = await request(app().getHttpServer())
        .patch(`${API}/admin/users/${other.id}/role`)
        .set(bearer(admin.accessToken))
        .send({ role: Role.user });
      expect(change.status).toBe(200);
      expect((await request(app().getHttpServer()).get(`${API}/admin/users`).set(bearer(other.accessToken))).status).toBe(401);
    });

    it('settle(): after SQL from another connection, the next request is already refused', async () => {
      for (let i = 0; i < 20; i++) {
        const user = await createUser(app());
        expect((await me(user.accessToken)).status).toBe(200);
        await outsider.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [sessionIdOf(user)]);
        await settleAuthState(app());
        expect((await me(user.accessToken)).status).toBe(401);
      }
    });
  });

  it('with its listener killed it stops answering from memory, sees revocations at once, and comes back by itself', async () => {
    const before = await createUser(app());
    expect((await me(before.accessToken)).status).toBe(200);

    await outsider.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [
      LISTENER_NAME,
    ]);
    await until(() => !cache().isLive, 5_000);

    // Notices sent now reach nobody: the database must be asked.
    await outsider.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [sessionIdOf(before)]);
    expect((await me(before.accessToken)).status).toBe(401);

    await until(() => cache().isLive);
    const after = await createUser(app());
    expect((await me(after.accessToken)).status).toBe(200);
    expect(cache().get(sessionIdOf(after))).toBeDefined();
    await outsider.query('UPDATE sessions SET revoked_at = now() WHERE id = $1', [sessionIdOf(after)]);
    const change = await statusChange(async () => (await me(after.accessToken)).status, 200, 2_000);
    expect(change.status).toBe(401);
  });
});
