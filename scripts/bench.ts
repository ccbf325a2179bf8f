/**
 * `npm run bench`: the template's cost against the raw ceiling, same machine, same run.
 * Starts the production build on a fresh database seeded with 100 users and 10,000 posts, and
 * the plain node:http + pg baseline (bench/baseline-server.ts) on the same database, then runs
 * each scenario against both, alternating, 3 rounds, with autocannon. Prints a table and one
 * `BENCH <scenario> ratio=...` line per scenario, and writes docs/BENCHMARKS.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import argon2 from 'argon2';
import pg from 'pg';
import { startBaseline } from '../bench/baseline-server.js';
import { startAppProcess } from './lib/app-process.js';
import { freePort } from './lib/embedded-postgres.js';

const ROUNDS = 3;
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = 32;
const PASSWORD = 'benchmark passphrase long enough';
const say = (line: string) => process.stdout.write(`${line}\n`);

type Sample = { rps: number; p50: number; p99: number; errors: number };
type Scenario = { name: string; path: string };

async function seed(databaseUrl: string): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  await db.query(
    `INSERT INTO users (id, email, name, password_hash, updated_at)
     SELECT gen_random_uuid(), 'bench' || i || '@example.com', 'Bench ' || i, $1, now() FROM generate_series(1, 100) i`,
    [hash],
  );
  await db.query(`UPDATE users SET plan = 'ENTERPRISE' WHERE email = 'bench1@example.com'`);
  await db.query(
    `INSERT INTO posts (id, author_id, title, content, tags, is_published, created_at, updated_at)
     SELECT gen_random_uuid(), u.id, 'Post ' || i, repeat('Benchmark content. ', 20), ARRAY['bench'], i % 4 <> 0,
            now() - (i || ' seconds')::interval, now()
     FROM generate_series(1, 10000) i
     JOIN LATERAL (SELECT id FROM users ORDER BY id OFFSET (i % 100) LIMIT 1) u ON true`,
  );
  await db.end();
}

async function firstPublishedPostOfAnother(databaseUrl: string, email: string): Promise<string> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const row = await db.query<{ id: string }>(
    'SELECT p.id FROM posts p JOIN users u ON u.id = p.author_id WHERE u.email <> $1 AND p.is_published ORDER BY p.created_at DESC LIMIT 1',
    [email],
  );
  await db.end();
  return row.rows[0]?.id ?? '';
}

async function measure(url: string, token: string): Promise<Sample> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https' },
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** BENCH_PROFILE_DIR=<dir>: the app writes a V8 CPU profile there when it stops. */
const profileArgs = () => (process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function main(): Promise<void> {
  const app = await startAppProcess({
    NODE_ENV: 'production',
    TRUST_PROXY: '1',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    LOG_LEVEL: 'warn',
    // The benchmark user is on the enterprise plan (unlimited): the budget check still runs.
    RATE_LIMIT_ANONYMOUS: '1000000',
  }, profileArgs());
  const baseline = await startBaseline({
    databaseUrl: app.databaseUrl,
    privateKeyFile: app.keyFile,
    issuer: 'secure-nest-api',
    audience: 'secure-nest-api',
    port: await freePort(),
  });
  try {
    await seed(app.databaseUrl);
    const email = 'bench1@example.com';
    const login = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const postId = await firstPublishedPostOfAnother(app.databaseUrl, email);
    const scenarios: Scenario[] = [
      { name: 'get-post', path: `/api/v1/posts/${postId}` },
      { name: 'list-posts', path: '/api/v1/posts?limit=20' },
    ];
    const rows: string[] = [];
    for (const scenario of scenarios) {
      const samples = { app: [] as Sample[], base: [] as Sample[] };
      for (let round = 0; round < ROUNDS; round++) {
        samples.app.push(await measure(`${app.url}${scenario.path}`, accessToken));
        samples.base.push(await measure(`${baseline.url}${scenario.path}`, accessToken));
      }
      const appRps = mean(samples.app.map((s) => s.rps));
      const baseRps = mean(samples.base.map((s) => s.rps));
      const appP99 = mean(samples.app.map((s) => s.p99));
      const errors = samples.app.reduce((n, s) => n + s.errors, 0) + samples.base.reduce((n, s) => n + s.errors, 0);
      const rss = app.child.pid ? rssMb(app.child.pid) : 0;
      rows.push(
        `| ${scenario.name} | ${appRps.toFixed(0)} | ${baseRps.toFixed(0)} | ${(appRps / baseRps).toFixed(2)} | ${mean(samples.app.map((s) => s.p50)).toFixed(1)} | ${appP99.toFixed(1)} | ${mean(samples.base.map((s) => s.p99)).toFixed(1)} | ${errors} | ${rss.toFixed(0)} |`,
      );
      say(`BENCH ${scenario.name} ratio=${(appRps / baseRps).toFixed(3)} app_rps=${appRps.toFixed(0)} base_rps=${baseRps.toFixed(0)} app_p99_ms=${appP99.toFixed(1)} errors=${errors}`);
    }
    const table = [
      '| scenario | app req/s | baseline req/s | ratio | app p50 ms | app p99 ms | baseline p99 ms | errors | app RSS MB |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    say(`\n${table}`);
    const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
    writeFileSync(
      'docs/BENCHMARKS.md',
      `# Benchmarks\n\nProduced by \`npm run bench\` (${ROUNDS} alternating rounds of ${DURATION_SECONDS} s per scenario and target, ${CONNECTIONS} connections, autocannon) on ${machine}, ${new Date().toISOString().slice(0, 10)}.\nThe baseline is bench/baseline-server.ts: the same endpoints and checks on plain node:http + pg.\n\n${table}\n\nScenarios still to add: create-post, refresh, login-storm (see the open performance issue).\n`,
    );
  } finally {
    await baseline.close();
    await app.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
