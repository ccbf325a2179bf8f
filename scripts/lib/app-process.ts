import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureMfaKey, ensureSigningKey } from '../generate-keys.js';
import { dropDatabase, ensureDatabase, migrateDeploy } from './database-admin.js';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';

/** The V8 flags of `npm run start:prod` and the Dockerfile: a bounded heap (docs/BENCHMARKS.md). */
export const PRODUCTION_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=128'];
/**
 * And their environment: glibc hands buffers over 128 kB (argon2's 19 MiB) back to the system
 * when freed, instead of keeping one per libuv thread (about 80 MB more after a login storm).
 */
export const PRODUCTION_NODE_ENV = { NODE_ENV: 'production', MALLOC_MMAP_THRESHOLD_: '131072' };

export type RunningApp = {
  url: string;
  databaseUrl: string;
  child: ChildProcess;
  /** The signing key the app uses (benchmarks verify its tokens elsewhere too). */
  keyFile: string;
  mfaKeys: string;
  /** The PostgreSQL server this run started, when it started one (no DATABASE_URL, or ownPostgres). */
  postgres?: RunningPostgres;
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
 * Starts the production build (`dist/src/main.js`, so run `npm run build` first) with the
 * production V8 flags, as a child process on a fresh database: an embedded PostgreSQL unless
 * DATABASE_URL is set (or `ownPostgres`, for tests that stop and start the server). For scans,
 * benchmarks and resilience runs, which must exercise the real server, not an in-process app.
 * `alongside` starts another instance on the same database, keys and Redis namespace (its stop()
 * stops that instance only).
 */
export async function startAppProcess(
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  options: { ownPostgres?: boolean; alongside?: RunningApp } = {},
): Promise<RunningApp> {
  const first = options.alongside;
  // Keys and the embedded server's data: the first instance's own, removed by its stop().
  const scratch = first ? undefined : mkdtempSync(join(tmpdir(), 'secure-api-run-'));
  let embedded: RunningPostgres | undefined;
  let serverUrl = '';
  let database = '';
  let databaseUrl: string;
  let keyFile: string;
  let mfaKeys: string;
  if (!scratch) {
    ({ databaseUrl, keyFile, mfaKeys } = first!);
  } else {
    if (!process.env.DATABASE_URL || options.ownPostgres) embedded = await startEmbeddedPostgres(join(scratch, 'pg'), false);
    serverUrl = embedded?.url('postgres') ?? process.env.DATABASE_URL!;
    database = `run_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    databaseUrl = await ensureDatabase(serverUrl, database);
    migrateDeploy(databaseUrl);
    keyFile = ensureSigningKey(join(scratch, 'keys'));
    mfaKeys = ensureMfaKey(join(scratch, 'keys'));
  }
  const port = await freePort();
  const child = spawn(process.execPath, [...PRODUCTION_NODE_FLAGS, ...nodeArgs, resolve('dist/src/main.js')], {
    env: {
      ...process.env,
      ...PRODUCTION_NODE_ENV,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // A shared Redis (REDIS_URL) keeps counters across runs: each run gets its own namespace.
      RATE_LIMIT_KEY_PREFIX: `run-${new URL(databaseUrl).pathname.slice(1)}`,
      DATABASE_URL: databaseUrl,
      JWT_PRIVATE_KEY_FILE: keyFile,
      MFA_ENCRYPTION_KEYS: mfaKeys,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    if (!scratch) return;
    if (embedded) await embedded.stop();
    else await dropDatabase(serverUrl, database);
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, databaseUrl, child, keyFile, mfaKeys, postgres: embedded, exited, stop };
}
