/**
 * `npm run dev`: the whole API on a machine with nothing but Node.
 * With no DATABASE_URL it starts an embedded PostgreSQL (data in .data/postgres), applies the
 * migrations, seeds demo users, makes dev signing keys in .data/keys, and serves the API,
 * restarting it on every save under src/ (the database keeps running).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { relative, resolve } from 'node:path';
import { seedDemoUsers } from '../prisma/seed.js';
import { ensureDatabase, migrateDeploy } from './lib/database-admin.js';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/embedded-postgres.js';
import { ensureMfaKey, ensureSigningKey } from './generate-keys.js';

const DATA = resolve('.data');
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function database(): Promise<{ url: string; embedded?: RunningPostgres }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  say('Starting embedded PostgreSQL (data in .data/postgres)...');
  const embedded = await startEmbeddedPostgres(resolve(DATA, 'postgres'), true);
  return { url: await ensureDatabase(embedded.url('postgres'), 'app'), embedded };
}

async function main(): Promise<void> {
  process.env.NODE_ENV ||= 'development';
  if (process.env.NODE_ENV === 'production') throw new Error('npm run dev is for development; use npm run start:prod');
  const db = await database();
  process.env.DATABASE_URL = db.url;
  migrateDeploy(db.url);
  process.env.JWT_PRIVATE_KEY_FILE ||= ensureSigningKey(resolve(DATA, 'keys'));
  process.env.MFA_ENCRYPTION_KEYS ||= ensureMfaKey(resolve(DATA, 'keys'));
  // The dev mail transport prints mails in the log; a copy in a file lets a script read the links
  // (the README's walkthrough does).
  process.env.MAIL_LOG_FILE ||= resolve(DATA, 'mail.log');

  const credentialsFile = resolve(DATA, 'demo-credentials.json');
  const created = await seedDemoUsers(db.url, credentialsFile);
  if (created) {
    say('Demo users created (shown once; also saved to .data/demo-credentials.json):');
    for (const c of created) say(`  ${c.role.padEnd(9)} ${c.email}  ${c.password}`);
  }

  // Validated here once, so a bad setting stops `npm run dev` with the same one message as production.
  const { loadConfig } = await import('../src/config/app-config.js');
  const { host, port } = loadConfig().app;
  const api = new ApiProcess(`http://${host.includes(':') ? `[${host}]` : host}:${port}`, credentialsFile);
  await api.start();
  watchSources(api);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the API${db.embedded ? ' and the embedded PostgreSQL' : ''}...`);
    await api.stop();
    await db.embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * The API as a child process of this one, so a change to src/ restarts the API in a few seconds
 * while the embedded PostgreSQL (held here) keeps running. The banner is printed last, once the
 * API answers its readiness probe, below the start-up log.
 */
class ApiProcess {
  private child: ChildProcess | undefined;

  constructor(
    private readonly url: string,
    private readonly credentialsFile: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--enable-source-maps', resolve('dist/src/main.js')], { stdio: 'inherit', env: process.env });
    this.child = child;
    const ready = await this.waitUntilReady(child);
    if (!ready) return say('\nThe API did not start (see above). Fix the code and save: it restarts by itself.');
    say(`\nAPI:   ${this.url}/api/v1`);
    say(`Docs:  ${this.url}/docs`);
    say(`Demo credentials: ${this.credentialsFile}`);
    say(`Mails (verification and reset links): in this log, and in ${relative(process.cwd(), process.env.MAIL_LOG_FILE ?? '') || 'the log'}`);
    say('Watching src/ for changes (Ctrl-C stops the API and the database).');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  private async waitUntilReady(child: ChildProcess): Promise<boolean> {
    for (let waited = 0; waited < 30_000; waited += 200) {
      if (child.exitCode !== null) return false;
      if (await fetch(`${this.url}/health/ready`).then((r) => r.ok, () => false)) return true;
      await sleep(200);
    }
    return false;
  }
}

/** On a save under src/: recompile src with swc (about a second), then restart the API. */
function watchSources(api: ApiProcess): void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  watch(resolve('src'), { recursive: true }, (_event, file) => {
    if (!file || !file.endsWith('.ts') || file.startsWith('generated')) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(async () => {
        say(`\n${file} changed: rebuilding and restarting the API...`);
        const build = spawnSync(resolve('node_modules/.bin/swc'), ['src', '-d', 'dist', '--config-file', '.swcrc', '--only', '**/*.ts', '--quiet'], { stdio: 'inherit' });
        if (build.status !== 0) {
          say('Build failed: the running API stays as it was.');
          return;
        }
        await api.stop();
        await api.start();
      });
    }, 150);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
