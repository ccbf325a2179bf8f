import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { startAppProcess, type RunningApp } from '../../../scripts/lib/app-process.js';

/**
 * The production build as a child process, with the abuse limits raised out of the way (these
 * runs are about faults, not budgets) and its log in a file the test can read.
 */
export async function startProductionApp(
  env: Record<string, string> = {},
  options: { ownPostgres?: boolean; alongside?: RunningApp } = {},
): Promise<RunningApp & { logFile: string; log: () => string }> {
  const logFile = join(mkdtempSync(join(tmpdir(), 'resilience-log-')), 'app.log');
  const app = await startAppProcess(
    {
      NODE_ENV: 'production',
      TRUST_PROXY: '1',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      LOG_LEVEL: 'info',
      LOG_FILE: logFile,
      RATE_LIMIT_ANONYMOUS: '1000000',
      RATE_LIMIT_DEFAULT_PER_MINUTE: '1000000',
      RATE_LIMIT_REGISTER_PER_HOUR: '1000000',
      RATE_LIMIT_REFRESH_PER_MINUTE: '1000000',
      LOGIN_MAX_FAILURES_PER_IP: '1000000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
      ...env,
    },
    [],
    options,
  );
  return { ...app, logFile, log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every 50 ms until it returns true; the elapsed ms, or throws after `withinMs`. */
export async function waitFor(probe: () => Promise<boolean>, withinMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await probe().catch(() => false))) {
    if (Date.now() - started > withinMs) throw new Error(`${what}: not within ${withinMs} ms`);
    await sleep(50);
  }
  return Date.now() - started;
}

export async function statusOf(url: string): Promise<number> {
  return fetch(url, { headers: { 'x-forwarded-proto': 'https' }, signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.status,
    () => 0,
  );
}
