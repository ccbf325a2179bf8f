/**
 * Sustained load: 60 s of mixed authenticated traffic (reads, writes, refreshes, logins) at 64
 * connections against the production build. Zero 5xx, zero connection errors, zero lost writes:
 * every post answered with a 201 is in the database afterwards, with the right author.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../scripts/lib/app-process.js';
import { startProductionApp, sleep } from './support/app.js';
import { recordFigures } from './support/report.js';
import { HttpClient, lostWrites, seedPosts, signUpUsers, startTraffic, stopAllTraffic, summarize } from './support/traffic.js';

const SECONDS = Number(process.env.RESILIENCE_LOAD_SECONDS ?? 60);
const CONNECTIONS = 64;

describe('sustained mixed load on the production build', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startProductionApp();
  });
  afterAll(async () => {
    await stopAllTraffic();
    await app?.stop();
  });

  it(`${SECONDS} s at ${CONNECTIONS} connections: no 5xx, no connection error, no lost write`, async () => {
    const client = new HttpClient(() => app.url, CONNECTIONS);
    const users = await signUpUsers(client, CONNECTIONS, 'load', app.databaseUrl);
    const postIds = await seedPosts(app.databaseUrl, users[0]!.id, 500);

    const traffic = startTraffic({ client, users, postIds });
    await sleep(SECONDS * 1000);
    const report = await traffic.stop();
    const summary = summarize(report.outcomes);
    const failures = report.outcomes.filter((o) => o.status >= 500 || o.status === 0);
    const lost = await lostWrites(app.databaseUrl, report.acknowledgedPosts);

    const byOp = new Map<string, number>();
    for (const o of report.outcomes) byOp.set(o.op, (byOp.get(o.op) ?? 0) + 1);
    recordFigures('load', [
      `- **Sustained load** (${SECONDS} s, ${CONNECTIONS} connections, production build): ${summary.total} requests (${summary.rps}/s:`,
      `  ${[...byOp].map(([op, n]) => `${n} ${op}`).join(', ')}), p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms;`,
      `  ${failures.length} 5xx or connection errors; ${report.acknowledgedPosts.length} posts acknowledged with 201, ${lost.length} missing afterwards.`,
    ]);

    expect(failures.slice(0, 5)).toEqual([]);
    expect(summary.connectionErrors).toBe(0);
    expect(report.acknowledgedPosts.length).toBeGreaterThan(100);
    expect(lost).toEqual([]);
    // Every kind of request was exercised and mostly answered 2xx.
    for (const op of ['get-post', 'list-posts', 'me', 'create-post', 'refresh', 'login']) expect(byOp.get(op) ?? 0).toBeGreaterThan(10);
    expect(report.outcomes.filter((o) => o.status >= 200 && o.status < 300).length / summary.total).toBeGreaterThan(0.99);
  });
});
