/**
 * Database outage: the PostgreSQL server the run started is stopped (a fast shutdown: every
 * connection cut) in the middle of mixed traffic, then started again. While it is down, requests
 * fail fast with 503 and the standard body (never a hang, never a 500), readiness says not ready
 * and liveness stays up; after the restart the app recovers by itself, and no request that got
 * a 2xx lost its write. (ERR-02 for the database.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../scripts/lib/app-process.js';
import { sleep, startProductionApp, statusOf, waitFor } from './support/app.js';
import { recordFigures } from './support/report.js';
import { HttpClient, lostWrites, seedPosts, signUpUsers, startTraffic, stopAllTraffic, summarize, type Outcome } from './support/traffic.js';

const CONNECTIONS = 16;
const DOWN_FOR_MS = 6_000;
const FAIL_FAST_MS = 2_000;

describe('database outage under load', () => {
  let app: RunningApp & { log: () => string };
  beforeAll(async () => {
    app = await startProductionApp({}, { ownPostgres: true });
  });
  afterAll(async () => {
    await stopAllTraffic();
    await app?.stop();
  });

  it('503 within 2 s while PostgreSQL is down, readiness down and liveness up, then recovery with no restart and no lost write', async () => {
    const postgres = app.postgres!;
    const client = new HttpClient(() => app.url, CONNECTIONS + 2, 10_000);
    const users = await signUpUsers(client, CONNECTIONS, 'outage', app.databaseUrl);
    const postIds = await seedPosts(app.databaseUrl, users[0]!.id, 200);

    const origin = performance.now();
    const clock = () => performance.now() - origin;
    const traffic = startTraffic({ client, users, postIds, origin });

    await sleep(4_000);
    const downAt = clock();
    await postgres.pause();
    const stoppedAt = clock();

    // While down: the probes, and a request of our own timed from outside.
    await sleep(500);
    const ready = await statusOf(`${app.url}/health/ready`);
    const live = await statusOf(`${app.url}/health/live`);
    const probeStarted = performance.now();
    const duringOutage = await client.send('GET', `/api/v1/posts/${postIds[0]}`, { token: users[0]!.accessToken });
    const probeMs = performance.now() - probeStarted;
    await sleep(DOWN_FOR_MS - 500);

    const upAt = clock();
    await postgres.resume();
    const restartedAt = clock();
    // Recovery: a fresh login and a read through the API, with nothing restarted but PostgreSQL.
    const recoveryMs = await waitFor(
      async () => (await client.send('GET', '/api/v1/users/me', { token: users[0]!.accessToken })).status === 200,
      30_000,
      'the API answering again',
    );
    const recoveredAt = clock();
    const readyAgainMs = await waitFor(async () => (await statusOf(`${app.url}/health/ready`)) === 200, 30_000, 'readiness');
    await sleep(5_000);
    const stableFrom = clock() - 4_000;
    const report = await traffic.stop();

    const all = report.outcomes;
    const bad = all.filter((o) => o.status === 0 || (o.status >= 500 && o.status !== 503));
    const unavailable = all.filter((o) => o.status === 503);
    const badBodies = unavailable.filter((o) => !isStandardBody(o));
    // Requests that started while the server was stopped (after the shutdown had finished).
    const whileDown = all.filter((o) => o.startedAt >= stoppedAt && o.startedAt < upAt);
    const slowWhileDown = whileDown.filter((o) => o.ms > FAIL_FAST_MS);
    const afterRecovery = all.filter((o) => o.startedAt >= stableFrom && o.status >= 500);
    const lost = await lostWrites(app.databaseUrl, report.acknowledgedPosts);
    const summary = summarize(all);
    const logged = app.log();

    recordFigures('database', [
      `- **Database outage** (ERR-02; PostgreSQL stopped for ${(DOWN_FOR_MS / 1000).toFixed(0)} s under ${CONNECTIONS} connections of mixed traffic):`,
      `  ${whileDown.length} requests while it was down, all answered in at most ${Math.round(Math.max(0, ...whileDown.map((o) => o.ms)))} ms` +
        ` (${whileDown.filter((o) => o.status === 503).length} with 503); readiness ${ready}, liveness ${live};`,
      `  back to 200 ${Math.round(recoveryMs)} ms after PostgreSQL was up again (ready after ${readyAgainMs} ms), no restart;`,
      `  ${summary.total} requests in all, ${bad.length} 500s or connection errors, ${report.acknowledgedPosts.length} posts acknowledged, ${lost.length} lost.`,
    ]);

    expect(ready).toBe(503);
    expect(live).toBe(200);
    expect(duringOutage.status).toBe(503);
    expect(JSON.parse(duringOutage.body)).toEqual({ error: expect.any(String), requestId: expect.any(String) });
    expect(probeMs).toBeLessThan(FAIL_FAST_MS);
    expect(whileDown.length).toBeGreaterThan(20);
    expect(whileDown.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    expect(slowWhileDown.slice(0, 5)).toEqual([]);
    expect(bad.slice(0, 5)).toEqual([]);
    expect(badBodies.slice(0, 5)).toEqual([]);
    expect(afterRecovery.slice(0, 5)).toEqual([]);
    expect(lost).toEqual([]);
    expect(report.acknowledgedPosts.length).toBeGreaterThan(20);
    // The outage is in the log, and recovery needed nothing but PostgreSQL coming back.
    expect(logged).toMatch(/database connection lost/);
    expect(app.child.exitCode).toBeNull();
    expect(downAt).toBeLessThan(stoppedAt);
    expect(restartedAt).toBeLessThan(recoveredAt);
  });
});

function isStandardBody(o: Outcome): boolean {
  try {
    const body = JSON.parse(o.body ?? '') as Record<string, unknown>;
    return typeof body.error === 'string' && typeof body.requestId === 'string' && !/prisma|select|postgres|ECONN/i.test(o.body ?? '');
  } catch {
    return false;
  }
}
