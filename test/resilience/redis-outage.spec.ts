/**
 * Redis outage with REDIS_URL set: the connection to Redis is cut (through a TCP proxy, as a
 * crashed Redis would drop it) under signed-in traffic, then given back. Public auth routes
 * (login, register, refresh) fail closed with a quick 503, as the hardening issue decided;
 * signed-in routes keep serving and their budgets keep counting in each instance's memory; the
 * outage is logged; everything recovers by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import type { RunningApp } from '../../scripts/lib/app-process.js';
import { withClient } from '../../scripts/lib/database-admin.js';
import { sleep, startProductionApp, statusOf, waitFor } from './support/app.js';
import { recordFigures } from './support/report.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { HttpClient, lostWrites, seedPosts, signUpUsers, startTraffic, stopAllTraffic, summarize, type HttpReply } from './support/traffic.js';

const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const USER_BUDGET_PER_MINUTE = 30;
const CONNECTIONS = 8;

async function timed(send: () => Promise<HttpReply>): Promise<HttpReply & { ms: number }> {
  const started = performance.now();
  const reply = await send();
  return { ...reply, ms: performance.now() - started };
}

/** This spec needs a Redis to take away: REDIS_URL, or one on 127.0.0.1:6379 (CI runs one). */
function assertReachable(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.end();
      resolve();
    });
    socket.on('error', () => reject(new Error(`the Redis outage test needs a Redis at ${host}:${port} (set REDIS_URL)`)));
  });
}

describe('Redis outage under load (REDIS_URL set)', () => {
  const proxy = new TcpProxy(REDIS.hostname, Number(REDIS.port || 6379));
  let app: RunningApp & { log: () => string };

  beforeAll(async () => {
    await assertReachable(REDIS.hostname, Number(REDIS.port || 6379));
    const port = await proxy.start();
    app = await startProductionApp({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      RATE_LIMIT_DEFAULT_PER_MINUTE: String(USER_BUDGET_PER_MINUTE),
      RATE_LIMIT_PREMIUM_PER_MINUTE: '1000000',
    });
  });
  afterAll(async () => {
    await stopAllTraffic();
    await app?.stop();
    await proxy.close();
  });

  it('auth routes 503 fast, signed-in routes keep serving within their budgets, logged, then automatic recovery', async () => {
    expect(await statusOf(`${app.url}/health/ready`)).toBe(200);
    const client = new HttpClient(() => app.url, CONNECTIONS + 2, 10_000);
    const [probe, ...users] = await signUpUsers(client, CONNECTIONS + 1, 'redis', app.databaseUrl);
    // The traffic's users are on the premium plan (a budget they will not reach); the probe user
    // keeps the default budget, to show it is still enforced during the outage.
    await withClient(app.databaseUrl, (db) => db.query(`UPDATE users SET plan = 'PREMIUM' WHERE id = ANY($1::uuid[])`, [users.map((u) => u.id)]));
    const postIds = await seedPosts(app.databaseUrl, users[0]!.id, 100);

    const traffic = startTraffic({
      client,
      users,
      postIds,
      mix: [['get-post', 50], ['list-posts', 15], ['me', 15], ['create-post', 20]],
    });
    await sleep(3_000);

    await proxy.cut();
    await sleep(300);
    const login = await timed(() => client.send('POST', '/api/v1/auth/login', { body: { email: probe!.email, password: probe!.password } }));
    const register = await timed(() =>
      client.send('POST', '/api/v1/auth/register', { body: { email: `redis-late-${Date.now()}@example.com`, password: 'Another long passphrase 7', name: 'Late' } }),
    );
    const refresh = await timed(() => client.send('POST', '/api/v1/auth/refresh', { body: { refreshToken: probe!.refreshToken } }));
    const ready = await statusOf(`${app.url}/health/ready`);
    const live = await statusOf(`${app.url}/health/live`);
    const budget: number[] = [];
    for (let i = 0; i < USER_BUDGET_PER_MINUTE + 5; i++) budget.push((await client.send('GET', '/api/v1/users/me', { token: probe!.accessToken })).status);
    await sleep(3_000);

    await proxy.restore();
    const recoveryMs = await waitFor(
      async () => (await client.send('POST', '/api/v1/auth/login', { body: { email: probe!.email, password: probe!.password } })).status === 200,
      30_000,
      'login answering again',
    );
    const readyAgainMs = await waitFor(async () => (await statusOf(`${app.url}/health/ready`)) === 200, 30_000, 'readiness');
    await sleep(2_000);
    const report = await traffic.stop();

    const summary = summarize(report.outcomes);
    const failures = report.outcomes.filter((o) => o.status >= 500 || o.status === 0);
    const lost = await lostWrites(app.databaseUrl, report.acknowledgedPosts);
    const firstRefusal = budget.indexOf(429);
    recordFigures('redis', [
      `- **Redis outage** (the connection cut for about 4 s under ${CONNECTIONS} connections of signed-in traffic): login, register and refresh`,
      `  answered ${login.status}, ${register.status} and ${refresh.status} in at most ${Math.round(Math.max(login.ms, register.ms, refresh.ms))} ms; readiness ${ready}, liveness ${live};`,
      `  signed-in traffic: ${summary.total} requests, ${failures.length} 5xx or connection errors; a default-plan user was still refused (429) after`,
      `  ${firstRefusal} requests (budget ${USER_BUDGET_PER_MINUTE}/min, counted in memory); login back ${recoveryMs} ms after Redis returned; ${lost.length} lost writes.`,
    ]);

    for (const reply of [login, register, refresh]) {
      expect(reply.status).toBe(503);
      expect(JSON.parse(reply.body)).toEqual({ error: expect.any(String), requestId: expect.any(String) });
      expect(reply.ms).toBeLessThan(2_000);
    }
    expect(ready).toBe(503);
    expect(live).toBe(200);
    expect(budget.slice(0, USER_BUDGET_PER_MINUTE).every((s) => s === 200)).toBe(true);
    expect(firstRefusal).toBe(USER_BUDGET_PER_MINUTE);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(summary.total).toBeGreaterThan(100);
    expect(lost).toEqual([]);
    expect(readyAgainMs).toBeLessThan(30_000);
    expect(app.log()).toMatch(/rate-limit store unavailable|Redis connection problem/);
  });
});
