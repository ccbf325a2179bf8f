/**
 * Rolling restart: two instances behind a load balancer that follows their readiness probes.
 * Under mixed traffic each instance in turn gets SIGTERM (it turns not-ready, drains, finishes
 * what it has, exits 0) and is replaced by a fresh one. No request may fail.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../scripts/lib/app-process.js';
import { sleep, startProductionApp, waitFor } from './support/app.js';
import { Balancer } from './support/balancer.js';
import { recordFigures } from './support/report.js';
import { HttpClient, lostWrites, seedPosts, signUpUsers, startTraffic, stopAllTraffic, summarize } from './support/traffic.js';

const CONNECTIONS = 16;

describe('rolling restart of two instances under load', () => {
  const balancer = new Balancer();
  const running: RunningApp[] = [];
  afterAll(async () => {
    await stopAllTraffic();
    await balancer.close();
    // The first instance owns the database: stop it last.
    for (const app of [...running].reverse()) await app.stop();
  });

  it('SIGTERM one instance at a time, each replaced by a new one: no request fails', async () => {
    const first = await startProductionApp();
    running.push(first);
    const second = await startProductionApp({}, { alongside: first });
    running.push(second);
    await balancer.start();
    balancer.add(first.url);
    balancer.add(second.url);
    await waitFor(async () => balancer.healthyCount() === 2, 10_000, 'both instances ready');

    const client = new HttpClient(() => balancer.url, CONNECTIONS);
    const users = await signUpUsers(client, CONNECTIONS, 'rolling', first.databaseUrl);
    const postIds = await seedPosts(first.databaseUrl, users[0]!.id, 200);
    const traffic = startTraffic({ client, users, postIds });
    await sleep(3_000);

    const exitCodes: (number | null)[] = [];
    const restartMs: number[] = [];
    for (const old of [second, first]) {
      const started = Date.now();
      old.child.kill('SIGTERM');
      exitCodes.push(await old.exited);
      balancer.remove(old.url);
      const replacement = await startProductionApp({}, { alongside: first });
      running.push(replacement);
      balancer.add(replacement.url);
      await waitFor(async () => balancer.healthyCount() === 2, 10_000, 'the replacement ready');
      restartMs.push(Date.now() - started);
      await sleep(2_000);
    }
    const report = await traffic.stop();

    const summary = summarize(report.outcomes);
    const failures = report.outcomes.filter((o) => o.status >= 500 || o.status === 0);
    const lost = await lostWrites(first.databaseUrl, report.acknowledgedPosts);
    recordFigures('rolling', [
      `- **Rolling restart** (two instances behind a readiness-following balancer, ${CONNECTIONS} connections of mixed traffic): each instance`,
      `  SIGTERMed in turn and replaced (${restartMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' and ')} from SIGTERM to two ready instances), exit codes ${exitCodes.join(' and ')};`,
      `  ${summary.total} requests, ${failures.length} failed (5xx, 502 or connection error), ${report.acknowledgedPosts.length} posts acknowledged, ${lost.length} lost.`,
    ]);

    expect(exitCodes).toEqual([0, 0]);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(summary.total).toBeGreaterThan(200);
    expect(lost).toEqual([]);
  });
});
