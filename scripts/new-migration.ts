/**
 * `DATABASE_URL=<any PostgreSQL server> npm run db:migration -- <name>`: writes
 * prisma/migrations/<timestamp>_<name>/migration.sql with what prisma/schema.prisma now says and
 * the committed migrations do not, by `prisma migrate diff --script` (the comparison of
 * `npm run db:check`). The server only hosts Prisma's throwaway shadow database; nothing of
 * yours is touched. (Prisma's JavaScript schema engine does not run against the embedded
 * PostgreSQL build, so this needs a real server, as db:check does.) Review the SQL, commit it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const name = process.argv[2];
if (!name || !/^[a-z0-9_]{1,60}$/.test(name)) {
  process.stderr.write('usage: npm run db:migration -- <name in snake_case>\n');
  process.exit(2);
}

if (!process.env.DATABASE_URL) {
  process.stderr.write('DATABASE_URL must name a PostgreSQL server (for Prisma\'s shadow database), e.g. postgresql://postgres@127.0.0.1:5432/postgres\n');
  process.exit(2);
}
const diff = spawnSync(
  process.execPath,
  [require.resolve('prisma/build/index.js'), 'migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
  { env: process.env, encoding: 'utf8' },
);
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
