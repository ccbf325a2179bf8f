import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureMfaKey, ensureSigningKey } from '../generate-keys.js';
import { dropDatabase, ensureDatabase, migrateDeploy } from './database-admin.js';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';

export type RunningApp = {
  url: string;
  databaseUrl: string;
  child: ChildProcess;
  /** The signing key the app uses (benchmarks verify its tokens elsewhere too). */
  keyFile: string;
  /** The app's exit code, once it has exited. */
  exited: Promise<number | null>;
  stop: () => Promise<void>;
};

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the app did not become ready in time');
}

/**
 * Starts the production build (`dist/src/main.js`, so run `npm run build` first) as a child
 * process on a fresh database: an embedded PostgreSQL unless DATABASE_URL is set. For scans,
 * benchmarks and resilience runs, which must exercise the real server, not an in-process app.
 */
export async function startAppProcess(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RunningApp> {
  const scratch = mkdtempSync(join(tmpdir(), 'secure-api-run-'));
  let embedded: RunningPostgres | undefined;
  if (!process.env.DATABASE_URL) embedded = await startEmbeddedPostgres(join(scratch, 'pg'), false);
  const serverUrl = process.env.DATABASE_URL ?? embedded!.url('postgres');
  const database = `run_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const databaseUrl = await ensureDatabase(serverUrl, database);
  migrateDeploy(databaseUrl);
  const port = await freePort();
  const keyFile = ensureSigningKey(join(scratch, 'keys'));
  const child = spawn(process.execPath, [...nodeArgs, resolve('dist/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // A shared Redis (REDIS_URL) keeps counters across runs: each run gets its own namespace.
      RATE_LIMIT_KEY_PREFIX: `run-${database}`,
      DATABASE_URL: databaseUrl,
      JWT_PRIVATE_KEY_FILE: keyFile,
      MFA_ENCRYPTION_KEYS: ensureMfaKey(join(scratch, 'keys')),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    if (embedded) await embedded.stop();
    else await dropDatabase(serverUrl, database);
  };
  try {
    await waitUntilReady(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, databaseUrl, child, keyFile, exited, stop };
}
