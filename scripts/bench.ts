/**
 * `npm run bench`: the template's cost against the raw ceiling, same machine, same run.
 * Starts the production build on a fresh database seeded with 100 users and 10,000 posts, and
 * the plain node:http + pg baseline (bench/baseline-server.ts, its own process) on the same
 * database, then runs each scenario against both, alternating, 3 rounds, with autocannon. Prints
 * a table and one `BENCH <scenario> ratio=...` line per scenario, and writes docs/BENCHMARKS.md.
 *
 * Environment: BENCH_DURATION (seconds per measurement, default 8), BENCH_ROUNDS (default 3),
 * BENCH_ONLY (comma-separated scenario names), BENCH_PROFILE_DIR (the app writes a CPU profile).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import argon2 from 'argon2';
import { generateOpaqueToken, hashToken } from '../src/common/crypto/opaque-token.js';
import { startAppProcess } from './lib/app-process.js';
import { withClient } from './lib/database-admin.js';
import { freePort } from './lib/embedded-postgres.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = 32;
const LOGIN_CONNECTIONS = 8;
const PASSWORD = 'benchmark passphrase long enough';
const EMAIL = 'bench1@example.com';
const TARGETS = { 'get-post': 0.35, 'list-posts': 0.3 } as Record<string, number>;
const MAX_STORM_P99_FACTOR = 3;
const MAX_RSS_MB = 200;
const say = (line: string) => process.stdout.write(`${line}\n`);

type Sample = { rps: number; p50: number; p99: number; errors: number };
type Target = { name: 'app' | 'baseline'; url: string; pid: number };
type Fixture = { databaseUrl: string; accessToken: string; postId: string };
type Scenario = { name: string; run: (target: Target, fx: Fixture) => Promise<Sample> };

const HEADERS = { 'x-forwarded-proto': 'https', 'content-type': 'application/json' };
const authHeaders = (token: string) => ({ ...HEADERS, authorization: `Bearer ${token}` });

async function seed(databaseUrl: string): Promise<void> {
  const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  await withClient(databaseUrl, async (db) => {
    await db.query(
      `INSERT INTO users (id, email, name, password_hash, email_verified_at, updated_at)
       SELECT gen_random_uuid(), 'bench' || i || '@example.com', 'Bench ' || i, $1, now(), now() FROM generate_series(1, 100) i`,
      [hash],
    );
    // The benchmark user is on the enterprise plan (unlimited): the budget check still runs.
    await db.query(`UPDATE users SET plan = 'ENTERPRISE' WHERE email = $1`, [EMAIL]);
    await db.query(
      `INSERT INTO posts (id, author_id, title, content, tags, is_published, created_at, updated_at)
       SELECT gen_random_uuid(), u.id, 'Post ' || i, repeat('Benchmark content. ', 20), ARRAY['bench'], i % 4 <> 0,
              now() - (i || ' seconds')::interval, now()
       FROM generate_series(1, 10000) i
       JOIN LATERAL (SELECT id FROM users ORDER BY id OFFSET (i % 100) LIMIT 1) u ON true`,
    );
  });
}

async function firstPublishedPostOfAnother(databaseUrl: string): Promise<string> {
  const row = await withClient(databaseUrl, (db) =>
    db.query<{ id: string }>(
      'SELECT p.id FROM posts p JOIN users u ON u.id = p.author_id WHERE u.email <> $1 AND p.is_published ORDER BY p.created_at DESC LIMIT 1',
      [EMAIL],
    ),
  );
  return row.rows[0]?.id ?? '';
}

/** `count` fresh sessions of the benchmark user with known refresh tokens (no argon2 needed). */
async function mintRefreshTokens(databaseUrl: string, count: number): Promise<string[]> {
  const tokens = Array.from({ length: count }, () => generateOpaqueToken());
  await withClient(databaseUrl, async (db) => {
    for (const token of tokens) {
      await db.query(
        `WITH s AS (INSERT INTO sessions (id, user_id, expires_at) SELECT gen_random_uuid(), id, now() + interval '1 day' FROM users WHERE email = $1 RETURNING id)
         INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) SELECT gen_random_uuid(), id, $2, now() + interval '1 day' FROM s`,
        [EMAIL, hashToken(token)],
      );
    }
  });
  return tokens;
}

function toSample(result: autocannon.Result): Sample {
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx };
}

const run = (options: autocannon.Options) => autocannon({ connections: CONNECTIONS, duration: DURATION_SECONDS, ...options });

const getPost: Scenario = {
  name: 'get-post',
  run: async (t, fx) => toSample(await run({ url: `${t.url}/api/v1/posts/${fx.postId}`, headers: authHeaders(fx.accessToken) })),
};

const listPosts: Scenario = {
  name: 'list-posts',
  run: async (t, fx) => toSample(await run({ url: `${t.url}/api/v1/posts?limit=20`, headers: authHeaders(fx.accessToken) })),
};

const createPost: Scenario = {
  name: 'create-post',
  run: async (t, fx) =>
    toSample(
      await run({
        url: `${t.url}/api/v1/posts`,
        method: 'POST',
        headers: authHeaders(fx.accessToken),
        body: JSON.stringify({ title: 'A benchmark post', content: 'Written by npm run bench. '.repeat(10), tags: ['bench'], isPublished: true }),
      }),
    ),
};

/**
 * Each connection follows its own rotation chain: every response's refresh token is the next
 * request's. (autocannon resets its per-connection context on every loop, so this is a small
 * keep-alive loop of its own.)
 */
const refresh: Scenario = {
  name: 'refresh',
  run: async (t, fx) => {
    const tokens = await mintRefreshTokens(fx.databaseUrl, CONNECTIONS);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + DURATION_SECONDS * 1000;
    const post = (body: string) =>
      new Promise<{ status: number; text: string }>((done) => {
        const req = http.request(`${t.url}/api/v1/auth/refresh`, { method: 'POST', agent, headers: HEADERS }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => done({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', () => done({ status: 0, text: '' }));
        req.end(body);
      });
    await Promise.all(
      tokens.map(async (first) => {
        let token = first;
        while (performance.now() < until) {
          const started = performance.now();
          const res = await post(JSON.stringify({ refreshToken: token }));
          latencies.push(performance.now() - started);
          if (res.status !== 200) {
            errors++;
            return;
          }
          token = (JSON.parse(res.text) as { refreshToken: string }).refreshToken;
        }
      }),
    );
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return { rps: latencies.length / DURATION_SECONDS, p50: at(0.5), p99: at(0.99), errors };
  },
};

const stormStats = new Map<string, { logins: number; loginErrors: number }[]>();

/** Authenticated reads while LOGIN_CONNECTIONS clients log in with argon2id as fast as they can. */
const loginStorm: Scenario = {
  name: 'login-storm',
  run: async (t, fx) => {
    const [reads, logins] = await Promise.all([
      run({ url: `${t.url}/api/v1/posts/${fx.postId}`, headers: authHeaders(fx.accessToken) }),
      run({
        url: `${t.url}/api/v1/auth/login`,
        connections: LOGIN_CONNECTIONS,
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      }),
    ]);
    const stats = stormStats.get(t.name) ?? [];
    stats.push({ logins: logins.requests.average, loginErrors: logins.errors + logins.timeouts + logins.non2xx });
    stormStats.set(t.name, stats);
    return toSample(reads);
  },
};

/** The baseline in its own process, so it never shares an event loop with autocannon. */
async function startBaselineProcess(databaseUrl: string, keyFile: string): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [resolve('dist/bench/baseline-server.js')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, JWT_PRIVATE_KEY_FILE: keyFile, PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the baseline did not start listening within 30 s'));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the baseline exited with code ${code}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('listening ')) return;
      clearTimeout(timer);
      resolveUrl(line.slice('listening '.length));
    });
  });
  const exited = new Promise((r) => child.once('exit', r));
  return { url, child, stop: async () => void (child.kill('SIGTERM'), await exited) };
}

/** BENCH_PROFILE_DIR=<dir>: the app writes a V8 CPU profile there when it stops. */
const profileArgs = () => (process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []);

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

async function main(): Promise<void> {
  const app = await startAppProcess(
    {
      NODE_ENV: 'production',
      TRUST_PROXY: '1',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      LOG_LEVEL: 'warn',
      // The benchmark measures throughput, not the abuse limits: those stay on, with room.
      RATE_LIMIT_ANONYMOUS: '1000000',
      RATE_LIMIT_REFRESH_PER_MINUTE: '1000000',
    },
    profileArgs(),
  );
  let baseline: Awaited<ReturnType<typeof startBaselineProcess>> | undefined;
  try {
    baseline = await startBaselineProcess(app.databaseUrl, app.keyFile);
    await seed(app.databaseUrl);
    const login = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    if (!login.ok) throw new Error(`the benchmark user could not log in: ${login.status} ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const fx: Fixture = { databaseUrl: app.databaseUrl, accessToken, postId: await firstPublishedPostOfAnother(app.databaseUrl) };
    const targets: Target[] = [
      { name: 'app', url: app.url, pid: app.child.pid ?? 0 },
      { name: 'baseline', url: baseline.url, pid: baseline.child.pid ?? 0 },
    ];
    const only = process.env.BENCH_ONLY?.split(',');
    const scenarios = [getPost, listPosts, createPost, refresh, loginStorm].filter((s) => !only || only.includes(s.name));
    const rows: string[] = [];
    const results = new Map<string, { ratio: number; appP99: number; errors: number }>();
    for (const scenario of scenarios) {
      const samples = { app: [] as Sample[], baseline: [] as Sample[] };
      for (let round = 0; round < ROUNDS; round++) {
        for (const target of targets) samples[target.name].push(await scenario.run(target, fx));
      }
      const appRps = mean(samples.app.map((s) => s.rps));
      const baseRps = mean(samples.baseline.map((s) => s.rps));
      const appP99 = mean(samples.app.map((s) => s.p99));
      const errors = [...samples.app, ...samples.baseline].reduce((n, s) => n + s.errors, 0);
      const ratio = appRps / baseRps;
      results.set(scenario.name, { ratio, appP99, errors });
      rows.push(
        `| ${scenario.name} | ${appRps.toFixed(0)} | ${baseRps.toFixed(0)} | ${ratio.toFixed(2)} | ${mean(samples.app.map((s) => s.p50)).toFixed(1)} | ${appP99.toFixed(1)} | ${mean(samples.baseline.map((s) => s.p99)).toFixed(1)} | ${errors} | ${rssMb(targets[0]!.pid).toFixed(0)} |`,
      );
      let extra = '';
      if (scenario.name === 'login-storm') {
        const quiet = results.get('get-post')?.appP99;
        const storm = stormStats.get('app') ?? [];
        extra = ` app_logins_per_s=${mean(storm.map((s) => s.logins)).toFixed(0)} base_logins_per_s=${mean((stormStats.get('baseline') ?? []).map((s) => s.logins)).toFixed(0)} login_errors=${storm.reduce((n, s) => n + s.loginErrors, 0)}`;
        if (quiet) extra += ` read_p99_vs_quiet=${(appP99 / quiet).toFixed(2)}`;
      }
      say(`BENCH ${scenario.name} ratio=${ratio.toFixed(3)} app_rps=${appRps.toFixed(0)} base_rps=${baseRps.toFixed(0)} app_p99_ms=${appP99.toFixed(1)} errors=${errors}${extra}`);
    }
    const rss = rssMb(targets[0]!.pid);
    const baselineRss = rssMb(targets[1]!.pid);
    say(`BENCH rss app_mb=${rss.toFixed(0)} base_mb=${baselineRss.toFixed(0)}`);

    const checks: string[] = [];
    for (const [name, min] of Object.entries(TARGETS)) {
      const r = results.get(name);
      if (r) checks.push(`- \`${name}\` at least ${min} of the baseline's req/s: ${r.ratio.toFixed(2)}, ${verdict(r.ratio >= min)}`);
    }
    const totalErrors = [...results.values()].reduce((n, r) => n + r.errors, 0) + [...stormStats.values()].flat().reduce((n, s) => n + s.loginErrors, 0);
    checks.push(`- zero errors: ${totalErrors}, ${verdict(totalErrors === 0)}`);
    const storm = results.get('login-storm');
    const quiet = results.get('get-post');
    if (storm && quiet) {
      const factor = storm.appP99 / quiet.appP99;
      checks.push(`- read p99 during the login storm at most ${MAX_STORM_P99_FACTOR}x the quiet p99: ${storm.appP99.toFixed(1)} ms against ${quiet.appP99.toFixed(1)} ms, ${factor.toFixed(2)}x, ${verdict(factor <= MAX_STORM_P99_FACTOR)}`);
    }
    checks.push(`- app RSS under ${MAX_RSS_MB} MB after the run: ${rss.toFixed(0)} MB, ${verdict(rss < MAX_RSS_MB)}`);

    const table = [
      '| scenario | app req/s | baseline req/s | ratio | app p50 ms | app p99 ms | baseline p99 ms | errors | app RSS MB |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    say(`\n${table}\n\n${checks.join('\n')}`);
    const storms = ['app', 'baseline']
      .map((n) => `${n} ${mean((stormStats.get(n) ?? []).map((s) => s.logins)).toFixed(0)} logins/s`)
      .join(', ');
    const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
    writeFileSync(
      'docs/BENCHMARKS.md',
      `# Benchmarks

Produced by \`npm run bench\` on ${machine}, ${new Date().toISOString().slice(0, 10)}: ${ROUNDS} alternating rounds of ${DURATION_SECONDS} s per scenario
and target, ${CONNECTIONS} connections (autocannon), PostgreSQL ${process.env.DATABASE_URL ? 'from DATABASE_URL' : '(embedded)'} on the same machine.
The app is the production build (\`NODE_ENV=production\`); the baseline is bench/baseline-server.ts:
the same endpoints, checks and JSON on plain node:http + pg, in its own process.

${table}

In the login storm, ${LOGIN_CONNECTIONS} more connections log in (argon2id, m=19 MiB, t=2) while the reads run:
${storms}. Its app p99 is the reads' p99. RSS is the app's resident memory after each scenario
(baseline after the run: ${baselineRss.toFixed(0)} MB).

## Targets

${checks.join('\n')}

## Reproduce

\`\`\`bash
npm ci
npm run bench                      # BENCH_DURATION=8 BENCH_ROUNDS=3 by default
BENCH_PROFILE_DIR=.data/profile BENCH_ONLY=get-post npm run bench   # plus the app's CPU profile
\`\`\`

${readFileSync('docs/benchmarks-analysis.md', 'utf8')}`,
    );
  } finally {
    await baseline?.stop();
    await app.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
