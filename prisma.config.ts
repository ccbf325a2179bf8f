/**
 * Prisma CLI configuration.
 *
 * The CLI runs on the JavaScript schema engine (`engine: 'js'`) through the pg driver adapter,
 * so `prisma generate`, `migrate deploy` and `migrate status` never download a native engine.
 * Three adapter gaps hit the schema engine's introspection (`migrate dev`, `migrate diff`);
 * they are mended here and only here:
 *   1. the adapter must be @prisma/adapter-pg 7.10 (6.19 cannot read `name` columns);
 *   2. catalog columns of type "char" (oid 18) are unmapped: the pool reports them as text;
 *   3. `connectToShadowDb()` drops the shadow database before closing its pool and ignores the
 *      database name of a connection string: we create, connect and drop it ourselves.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { defineConfig } from 'prisma/config';

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] };

function charFieldsAsText<T>(result: T): T {
  for (const field of (result as QueryResultLike)?.fields ?? []) {
    if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  }
  return result;
}

/** Wraps a query function so both its promise and callback forms see "char" columns as text. */
type AnyQuery = (...args: unknown[]) => unknown;

function patchQuery<F>(query: F, self: unknown): F {
  const original = query as unknown as AnyQuery;
  return function patched(...args: unknown[]) {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: unknown, res: unknown) => last(err, charFieldsAsText(res));
      return original.apply(self, args);
    }
    const out = original.apply(self, args);
    return out instanceof Promise ? out.then(charFieldsAsText) : out;
  } as unknown as F;
}

class CharAsTextPool extends pg.Pool {
  constructor(config: pg.PoolConfig) {
    super(config);
    this.query = patchQuery(super.query, this);
    this.on('connect', (client) => {
      client.query = patchQuery(client.query, client);
    });
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

class MigrationAwarePg extends PrismaPg {
  constructor(private readonly url: string) {
    super(new CharAsTextPool({ connectionString: url }), { disposeExternalPool: true });
  }

  override async connectToShadowDb() {
    const admin = new pg.Pool({ connectionString: this.url, max: 1 });
    const database = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    const adapter = await new PrismaPg(new CharAsTextPool({ connectionString: withDatabase(this.url, database) }), {
      disposeExternalPool: true,
    }).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
      await admin.end();
    };
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: the Prisma CLI needs a database to talk to.');
    return new MigrationAwarePg(url);
  },
});
