/**
 * `npm run dev`: the whole API on a machine with nothing but Node.
 * With no DATABASE_URL it starts an embedded PostgreSQL (data in .data/postgres), applies the
 * migrations, seeds demo users, makes dev signing keys in .data/keys, and serves the API.
 */
import { resolve } from 'node:path';
import { seedDemoUsers } from '../prisma/seed.js';
import { ensureDatabase, migrateDeploy } from './lib/database-admin.js';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/embedded-postgres.js';
import { ensureMfaKey, ensureSigningKey } from './generate-keys.js';

const DATA = resolve('.data');
const say = (line: string) => process.stdout.write(`${line}\n`);

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

  const credentialsFile = resolve(DATA, 'demo-credentials.json');
  const created = await seedDemoUsers(db.url, credentialsFile);
  if (created) {
    say('Demo users created (shown once; also saved to .data/demo-credentials.json):');
    for (const c of created) say(`  ${c.role.padEnd(9)} ${c.email}  ${c.password}`);
  }

  const { startServer } = await import('../src/server.js');
  const { loadConfig } = await import('../src/config/app-config.js');
  const { useValidatedConfig } = await import('../src/config/config.module.js');
  const { app, url } = await startServer({ shutdownHooks: false, config: useValidatedConfig(loadConfig()) });
  say(`\nAPI:   ${url}/api/v1`);
  say(`Docs:  ${url}/docs`);
  say(`Demo credentials: ${credentialsFile}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping the API${db.embedded ? ' and the embedded PostgreSQL' : ''}...`);
    await app.close();
    await db.embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
