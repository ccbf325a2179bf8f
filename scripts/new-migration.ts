/**
 * `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
 * what prisma/schema.prisma now says and the committed migrations do not, by
 * `prisma migrate diff --script` (the comparison of `npm run db:check`). It needs a PostgreSQL
 * server only to host Prisma's throwaway shadow database: with no DATABASE_URL it starts an
 * embedded one of its own in a temporary folder (as the tests do) and removes it afterwards;
 * with DATABASE_URL it uses that server. Nothing of yours is touched. Review the SQL, commit it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from './lib/embedded-postgres.js';

const require = createRequire(import.meta.url);
const name = process.argv[2];
if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
  process.stderr.write('usage: npm run db:migration -- <name in snake_case>\n');
  process.exit(2);
}

let embedded: { server: RunningPostgres; dir: string } | undefined;
if (!process.env.DATABASE_URL) {
  process.stdout.write('No DATABASE_URL: starting an embedded PostgreSQL for the shadow database...\n');
  const dir = mkdtempSync(join(tmpdir(), 'db-migration-'));
  embedded = { server: await startEmbeddedPostgres(join(dir, 'pg'), false), dir };
}
const diff = spawnSync(
  process.execPath,
  [require.resolve('prisma/build/index.js'), 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
  { env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? embedded?.server.url('postgres') }, encoding: 'utf8' },
);
if (embedded) {
  await embedded.server.stop();
  rmSync(embedded.dir, { recursive: true, force: true });
}
if (diff.status !== 0) {
  process.stderr.write(`prisma migrate diff failed:\n${diff.stdout}\n${diff.stderr}\n`);
  process.exit(1);
}
const sql = diff.stdout;

if (/^\s*(-- This is an empty migration\.)?\s*$/.test(sql)) {
  process.stdout.write('prisma/schema.prisma and the migrations already agree: nothing to write.\n');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const folder = join('prisma', 'migrations', `${stamp}_${name}`);
mkdirSync(folder, { recursive: true });
writeFileSync(join(folder, 'migration.sql'), sql);
process.stdout.write(`wrote ${join(folder, 'migration.sql')}: review it, then commit it.\n`);
