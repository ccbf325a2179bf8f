import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAppProcess, type RunningApp } from '../../scripts/lib/app-process.js';

type Outcome = { status: number | string; answeredAfterSignal: boolean };

/**
 * One login on its own connection (no pooling, so no request waits unsent behind another).
 * Resolves `sent` once the request is fully written, and with the outcome once answered.
 */
function login(url: string, signalled: () => boolean): { sent: Promise<void>; outcome: Promise<Outcome> } {
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((r) => (markSent = r));
  const outcome = new Promise<Outcome>((resolve) => {
    const req = request(`${url}/api/v1/auth/login`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, answeredAfterSignal: signalled() }));
    });
    req.on('error', (err) => resolve({ status: `failed: ${err.message}`, answeredAfterSignal: signalled() }));
    req.end(JSON.stringify({ email: 'nobody@example.com', password: 'not the password' }), markSent);
  });
  return { sent, outcome };
}

/** The production build as a real process: SIGTERM under load must lose no request. */
describe('graceful shutdown (e2e, real process)', () => {
  let running: RunningApp;

  beforeAll(async () => {
    if (!existsSync('dist/src/main.js')) {
      const build = spawnSync('npm', ['run', 'build'], { stdio: 'ignore' });
      if (build.status !== 0) throw new Error('npm run build failed');
    }
    // On the test run's PostgreSQL server (DATABASE_URL), in a database of its own. A costlier
    // argon2 keeps the logins busy long enough to be in flight when the signal arrives.
    running = await startAppProcess({
      SHUTDOWN_GRACE_MS: '20000',
      SHUTDOWN_DRAIN_MS: '500',
      ARGON2_TIME_COST: '8',
      LOGIN_MAX_FAILURES_PER_IP: '1000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
    });
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
  });

  it('turns not-ready, finishes every in-flight request, then exits 0', async () => {
    let signalled = false;
    const logins = Array.from({ length: 16 }, () => login(running.url, () => signalled));
    await Promise.all(logins.map((l) => l.sent));
    await new Promise((r) => setTimeout(r, 50));
    signalled = true;
    running.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    // While draining, readiness says "do not send more"; the process still answers.
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(503);
    const outcomes = await Promise.all(logins.map((l) => l.outcome));
    expect(outcomes.filter((o) => o.status !== 401)).toEqual([]);
    expect(outcomes.some((o) => o.answeredAfterSignal)).toBe(true);
    expect(await running.exited).toBe(0);
    await expect(fetch(`${running.url}/health/live`)).rejects.toThrow();
  }, 60_000);
});
