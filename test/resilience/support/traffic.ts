/**
 * Mixed authenticated traffic for the resilience runs: virtual users that read, write, refresh
 * and log in over keep-alive HTTP, recording every outcome (status, duration, connection error)
 * and every post the API acknowledged with a 201, so the run can check nothing was lost.
 */
import http from 'node:http';
import { withClient } from '../../../scripts/lib/database-admin.js';

export type Outcome = {
  op: Operation;
  /** ms since the traffic started */
  startedAt: number;
  ms: number;
  /** 0 when the connection failed (no HTTP response) */
  status: number;
  error?: string;
  body?: string;
};

export type Operation = 'get-post' | 'list-posts' | 'create-post' | 'refresh' | 'login' | 'me';

type Credentials = { email: string; password: string; id: string; accessToken: string; refreshToken: string };

const JSON_HEADERS = { 'content-type': 'application/json', 'x-forwarded-proto': 'https' };
const PASSWORD = 'Resilience run passphrase 42!';

/** Weights of the mix: mostly reads, a steady stream of writes, refreshes and some logins. */
const DEFAULT_MIX: [Operation, number][] = [
  ['get-post', 40],
  ['list-posts', 15],
  ['me', 10],
  ['create-post', 20],
  ['refresh', 12],
  ['login', 3],
];

export type HttpReply = { status: number; body: string; error?: string };

export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly baseUrl: () => string,
    maxSockets: number,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  send(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<HttpReply> {
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    return new Promise((resolve) => {
      const req = http.request(`${this.baseUrl()}${path}`, { method, agent: this.agent, headers, timeout: this.timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (err) => resolve({ status: 0, body, error: err.message }));
      });
      req.on('timeout', () => req.destroy(new Error('client timeout')));
      req.on('error', (err) => resolve({ status: 0, body: '', error: (err as NodeJS.ErrnoException).code ?? err.message }));
      req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Registers `count` users through the API (rate limits must allow it), marks each address
 * verified in the database (the production build mails its links to an SMTP server these runs do
 * not have: this stands in for the owner opening the link), and logs each in.
 */
export async function signUpUsers(client: HttpClient, count: number, tag: string, databaseUrl: string): Promise<Credentials[]> {
  const users: Credentials[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${tag}-${i}-${Date.now().toString(36)}@example.com`;
    const reg = await client.send('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: `Resilience ${i}` } });
    if (reg.status !== 202) throw new Error(`register failed: ${reg.status} ${reg.body}`);
    const id = await verifyWhenRegistered(databaseUrl, email);
    const login = await client.send('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
    const tokens = JSON.parse(login.body) as { accessToken: string; refreshToken: string };
    users.push({ email, password: PASSWORD, id, ...tokens });
  }
  return users;
}

/** Registration completes after its 202: waits for the account, then marks its address verified. */
async function verifyWhenRegistered(databaseUrl: string, email: string): Promise<string> {
  return withClient(databaseUrl, async (db) => {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const { rows } = await db.query<{ id: string }>('UPDATE users SET email_verified_at = now() WHERE email = $1 RETURNING id', [email]);
      if (rows[0]) return rows[0].id;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`registration of ${email} did not complete`);
  });
}

export type TrafficReport = {
  outcomes: Outcome[];
  /** Every post the API answered 201 for, with the author it was created for. */
  acknowledgedPosts: { id: string; authorId: string }[];
};

export type Traffic = {
  /** Stops every virtual user (at once if called again) and returns what they recorded. */
  stop(): Promise<TrafficReport>;
};

/** Traffic not stopped yet: `stopAllTraffic()` in a spec's afterAll ends it even after a failed test. */
const running = new Set<Traffic>();

/** Stops whatever traffic a failed test left running (before its app goes away), closing its client. */
export async function stopAllTraffic(): Promise<void> {
  await Promise.all([...running].map((traffic) => traffic.stop().catch(() => undefined)));
}

/**
 * Starts `users.length` virtual users (one connection each) that run until `stop()`, against the
 * URL the client's `baseUrl()` returns at each request (so a test can point traffic elsewhere).
 * A user that throws stops them all, and `stop()` rejects with its error.
 */
export function startTraffic(options: {
  client: HttpClient;
  users: Credentials[];
  postIds: string[];
  mix?: [Operation, number][];
  /** performance.now() that `startedAt` counts from (default: now). */
  origin?: number;
}): Traffic {
  const { client, users, postIds } = options;
  const mix = options.mix ?? DEFAULT_MIX;
  const total = mix.reduce((n, [, w]) => n + w, 0);
  const outcomes: Outcome[] = [];
  const acknowledgedPosts: { id: string; authorId: string }[] = [];
  const t0 = options.origin ?? performance.now();
  let stopped = false;

  const pick = (): Operation => {
    let r = Math.random() * total;
    for (const [op, w] of mix) if ((r -= w) < 0) return op;
    return mix[0]![0];
  };

  async function step(user: Credentials, op: Operation, n: number): Promise<void> {
    const startedAt = performance.now() - t0;
    let reply: HttpReply;
    switch (op) {
      case 'get-post':
        reply = await client.send('GET', `/api/v1/posts/${postIds[n % postIds.length]}`, { token: user.accessToken });
        break;
      case 'list-posts':
        reply = await client.send('GET', '/api/v1/posts?limit=20', { token: user.accessToken });
        break;
      case 'me':
        reply = await client.send('GET', '/api/v1/users/me', { token: user.accessToken });
        break;
      case 'create-post':
        reply = await client.send('POST', '/api/v1/posts', {
          token: user.accessToken,
          body: { title: `Resilience ${n}`, content: `Written under load by ${user.email}`, tags: ['load'], isPublished: n % 2 === 0 },
        });
        if (reply.status === 201) acknowledgedPosts.push({ id: (JSON.parse(reply.body) as { id: string }).id, authorId: user.id });
        break;
      case 'refresh':
        reply = await client.send('POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
        if (reply.status === 200) Object.assign(user, pickTokens(reply.body));
        break;
      case 'login':
        reply = await client.send('POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password } });
        if (reply.status === 200) Object.assign(user, pickTokens(reply.body));
        break;
    }
    outcomes.push({
      op,
      startedAt,
      ms: performance.now() - t0 - startedAt,
      status: reply.status,
      ...(reply.error ? { error: reply.error } : {}),
      ...(reply.status >= 500 || reply.status === 0 ? { body: reply.body.slice(0, 300) } : {}),
    });
    // A refresh token lost to an outage (its rotation committed, the answer never arrived) is
    // refused as reuse, which ends the session: sign in again, as a client would.
    if (reply.status === 401) {
      const again = await client.send('POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password } });
      if (again.status === 200) Object.assign(user, pickTokens(again.body));
    }
  }

  const done = Promise.all(
    users.map(async (user) => {
      try {
        for (let n = 0; !stopped; n++) await step(user, pick(), n);
      } catch (err) {
        stopped = true;
        throw err;
      }
    }),
  ).then((): TrafficReport => ({ outcomes, acknowledgedPosts }));
  done.catch(() => undefined); // reported by stop(); never an unhandled rejection meanwhile
  const traffic: Traffic = {
    stop: () => {
      stopped = true;
      running.delete(traffic);
      return done.finally(() => client.close());
    },
  };
  running.add(traffic);
  return traffic;
}

function pickTokens(body: string): { accessToken: string; refreshToken: string } {
  const { accessToken, refreshToken } = JSON.parse(body) as { accessToken: string; refreshToken: string };
  return { accessToken, refreshToken };
}

/** Posts acknowledged with a 201 that are missing from the database or carry another author. */
export function lostWrites(databaseUrl: string, posts: { id: string; authorId: string }[]): Promise<string[]> {
  return withClient(databaseUrl, async (db) => {
    const found = new Map<string, string>();
    for (let i = 0; i < posts.length; i += 1000) {
      const ids = posts.slice(i, i + 1000).map((p) => p.id);
      const rows = await db.query<{ id: string; author_id: string }>('SELECT id, author_id FROM posts WHERE id = ANY($1::uuid[])', [ids]);
      for (const r of rows.rows) found.set(r.id, r.author_id);
    }
    return posts.filter((p) => found.get(p.id) !== p.authorId).map((p) => p.id);
  });
}

/** Published posts to read, seeded straight into the database. */
export function seedPosts(databaseUrl: string, authorId: string, count: number): Promise<string[]> {
  return withClient(databaseUrl, async (db) => {
    const rows = await db.query<{ id: string }>(
      `INSERT INTO posts (id, author_id, title, content, tags, is_published, updated_at)
       SELECT gen_random_uuid(), $1, 'Seeded ' || i, 'Seeded for the resilience run', ARRAY['seed'], true, now()
       FROM generate_series(1, $2::int) i RETURNING id`,
      [authorId, count],
    );
    return rows.rows.map((r) => r.id);
  });
}

export function summarize(outcomes: Outcome[]): { total: number; byStatus: Record<string, number>; connectionErrors: number; p99Ms: number; maxMs: number; rps: number } {
  const byStatus: Record<string, number> = {};
  for (const o of outcomes) byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const span = outcomes.length ? outcomes.reduce((end, o) => Math.max(end, o.startedAt + o.ms), 0) / 1000 : 1;
  return {
    total: outcomes.length,
    byStatus,
    connectionErrors: outcomes.filter((o) => o.status === 0).length,
    p99Ms: Math.round(ms[Math.floor(ms.length * 0.99)] ?? 0),
    maxMs: Math.round(ms.at(-1) ?? 0),
    rps: Math.round(outcomes.length / span),
  };
}
