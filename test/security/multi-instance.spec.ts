/**
 * Several instances on one PostgreSQL and one Redis (docs/API.md §2 logout, §7 "N instances enforce
 * one shared limit"), and ERR-02's rate-limit store going away. Runs only when REDIS_URL is set
 * (CI sets redis://127.0.0.1:6379); each pair of instances shares a key prefix of its own,
 * since Redis outlives test runs.
 */
import { describe, expect, it } from '@jest/globals';
import { API, createUser, type TestUser } from '../setup/factories.js';
import { call, describeWithRedis, expectError, expectRateLimitHeaders, expectTooMany, sleep, uniqueKeyPrefix, useListeningApp } from './support/live-app.js';


/** Two instances sharing REDIS_URL (from the environment) and one key prefix. */
function useInstancePair(env: Record<string, string> = {}) {
  const shared = { RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix(), ...env };
  return [useListeningApp(shared), useListeningApp(shared)] as const;
}

describeWithRedis('Multi-instance: one shared rate limit and session state (Redis)', () => {
  const [first, second] = useInstancePair();
  const me = (instance: typeof first, user: Pick<TestUser, 'accessToken'>) => call(instance(), 'GET', `${API}/users/me`, { token: user.accessToken });

  describe('RL-01 one budget across instances', () => {
    const [a, b] = useInstancePair({ RATE_LIMIT_ANONYMOUS: '4', RATE_LIMIT_ANONYMOUS_WINDOW_SECONDS: '60', RATE_LIMIT_DEFAULT_PER_MINUTE: '4' });
    const alternate = (i: number) => (i % 2 ? b : a)();

    it('RL-01 the anonymous per-IP budget is shared: 4 requests alternating between instances, then 429 on both', async () => {
      for (let i = 0; i < 4; i++) {
        const reply = await call(alternate(i), 'POST', `${API}/auth/refresh`, { body: { refreshToken: 'not-a-real-refresh-token-at-all-0000000000' } });
        expectError(reply, 401);
        expectRateLimitHeaders(reply, 4, 3 - i, 60);
      }
      for (const instance of [a, b]) expectTooMany(await call(instance(), 'POST', `${API}/auth/refresh`, { body: {} }), 60);
    });

    it("RL-01 a user's budget is shared: 4 requests alternating between instances, then 429 on both", async () => {
      const user = await createUser(first());
      for (let i = 0; i < 4; i++) {
        const reply = await call(alternate(i), 'GET', `${API}/users/me`, { token: user.accessToken });
        expect(reply.status).toBe(200);
        expectRateLimitHeaders(reply, 4, 3 - i, 60);
      }
      for (const instance of [a, b]) expectTooMany(await me(instance, user), 60);
    });
  });

  it('logout on one instance makes the access token 401 on the other within 250 ms (and the refresh token at once)', async () => {
    const user = await createUser(first());
    expect((await me(second, user)).status).toBe(200); // now held in the second instance's memory
    expect((await call(first(), 'POST', `${API}/auth/logout`, { token: user.accessToken })).status).toBe(204);
    // The refresh token is checked in the database: dead at once, everywhere.
    expectError(await call(second(), 'POST', `${API}/auth/refresh`, { body: { refreshToken: user.refreshToken } }), 401);
    // The access token: the second instance hears of the logout by a notice that lands a few
    // milliseconds after its commit (docs/SECURITY-MODEL.md, "Revocation that holds on every instance"). Poll, and bound the delay.
    const started = Date.now();
    let reply = await me(second, user);
    while (reply.status === 200 && Date.now() - started < 2_000) {
      await sleep(5);
      reply = await me(second, user);
    }
    expectError(reply, 401);
    expect(Date.now() - started).toBeLessThan(250);
  });

  describe('ERR-02 rate-limit store down', () => {
    const down = useListeningApp({ REDIS_URL: 'redis://127.0.0.1:1' });

    it('ERR-02 login, register and refresh answer 503 quickly with the standard body; signed-in GET /users/me keeps answering 200, a missing token is never let through', async () => {
      const user = await createUser(first());
      const publicCalls = {
        login: { email: user.email, password: user.password },
        register: { email: `new-${user.email}`, password: user.password, name: 'Store Down' },
        refresh: { refreshToken: user.refreshToken },
      };
      for (const [route, body] of Object.entries(publicCalls)) {
        const reply = await call(down(), 'POST', `${API}/auth/${route}`, { body });
        expectError(reply, 503);
        expect(reply.ms).toBeLessThan(1500);
      }
      expect((await me(down, user)).status).toBe(200);
      const anonymous = await call(down(), 'GET', `${API}/users/me`);
      expect([401, 503]).toContain(anonymous.status);
      expectError(anonymous, anonymous.status);
      // Fail closed did not spend anything: the refresh token still works where the store is up.
      expect((await call(first(), 'POST', `${API}/auth/refresh`, { body: { refreshToken: user.refreshToken } })).status).toBe(200);
    });
  });
});
