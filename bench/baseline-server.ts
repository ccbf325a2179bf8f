/**
 * The practical ceiling for the benchmark: the benchmarked endpoints of the API, with the same
 * semantics, on plain `node:http` + `pg`. RS256 verified through pre-built KeyObjects with
 * iss/aud/exp/typ checks, the same per-request session (revocation) check, the row by primary
 * key, the same ownership rule and the same JSON. No framework, no ORM, no validation library.
 *
 * The revocation check works as the app's does (SessionStateCache): live sessions remembered in
 * memory and dropped on the `auth_state` notices the database trigger sends, a join on a miss.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import argon2 from 'argon2';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import sanitizeHtml from 'sanitize-html';
import { jwkThumbprint } from '../src/modules/auth/tokens/signing-keys.service.js';

type Caller = { id: string; role: string };
type PostRow = { id: string; author_id: string; title: string; content: string; tags: string[]; is_published: boolean; version: number; created_at: Date; updated_at: Date };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const READ_ANY = new Set(['moderator', 'admin']);
const POST_COLUMNS = 'id, author_id, title, content, tags, is_published, version, created_at, updated_at';

const BODY_LIMIT = 256 * 1024;
const ACCESS_TTL_SECONDS = 900;
const REFRESH_TTL_SECONDS = 7 * 24 * 3600;
const SESSION_TTL_SECONDS = 30 * 24 * 3600;
const stripHtml = (input: string) => sanitizeHtml(input, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'discard' }).trim();
const opaqueToken = () => randomBytes(32).toString('base64url');
const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const isString = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

class BadInput extends Error {}

/** The JSON body, or BadInput: JSON only, 256 kB at most, an object. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!req.headers['content-type']?.startsWith('application/json')) throw new BadInput('Content-Type must be application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new BadInput('Payload too large');
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadInput('Malformed JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadInput('Validation failed');
  return body as Record<string, unknown>;
}

/** CreatePostDto's rules: title 3..200 (trimmed), content up to 50,000, up to 10 tags of 1..50, no other fields. */
function validPost(b: Record<string, unknown>): { title: string; content: string; tags: string[]; isPublished: boolean } | null {
  const title = typeof b.title === 'string' ? b.title.trim() : b.title;
  if (Object.keys(b).some((k) => !['title', 'content', 'tags', 'isPublished'].includes(k))) return null;
  if (!isString(title, 3, 200) || !isString(b.content, 0, 50_000)) return null;
  if (b.tags !== undefined && !(Array.isArray(b.tags) && b.tags.length <= 10 && b.tags.every((t) => isString(t, 1, 50)))) return null;
  if (b.isPublished !== undefined && typeof b.isPublished !== 'boolean') return null;
  return { title, content: b.content, tags: (b.tags as string[] | undefined) ?? [], isPublished: (b.isPublished as boolean | undefined) ?? false };
}

const toJson = (p: PostRow) => ({
  id: p.id,
  authorId: p.author_id,
  title: p.title,
  content: p.content,
  tags: p.tags,
  isPublished: p.is_published,
  version: p.version,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

export function startBaseline(options: { databaseUrl: string; privateKeyFile: string; issuer: string; audience: string; port: number }) {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
  const privateKey = createPrivateKey(readFileSync(options.privateKeyFile, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  const kid = jwkThumbprint(publicKey);
  const keys = new Map<string, KeyObject>([[kid, publicKey]]);

  function tokenPair(userId: string, role: string, sessionId: string, refreshToken: string) {
    const accessToken = jwt.sign({ role, sid: sessionId }, privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      header: { alg: 'RS256', typ: 'at+jwt' },
      subject: userId,
      jwtid: randomUUID(),
      issuer: options.issuer,
      audience: options.audience,
      expiresIn: ACCESS_TTL_SECONDS,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TTL_SECONDS };
  }
  const live = new Map<string, { userId: string; role: string; expiresAt: Date }>();
  let generation = 0;
  const listener = new pg.Client({ connectionString: options.databaseUrl });
  listener.on('notification', (n) => {
    generation++;
    const id = (n.payload ?? '').slice(2);
    if (n.payload?.startsWith('s:')) live.delete(id);
    else for (const [sid, s] of live) if (s.userId === id) live.delete(sid);
  });

  async function authenticate(req: IncomingMessage): Promise<Caller | null> {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    const token = header.slice(7);
    const decoded = jwt.decode(token, { complete: true });
    const key = decoded?.header.typ === 'at+jwt' ? keys.get(String(decoded.header.kid)) : undefined;
    if (!key) return null;
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, key, { algorithms: ['RS256'], issuer: options.issuer, audience: options.audience }) as jwt.JwtPayload;
    } catch {
      return null;
    }
    if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return null;
    let session = live.get(claims.sid);
    if (!session || session.expiresAt.getTime() <= Date.now()) {
      const seen = generation;
      const result = await pool.query<{ user_id: string; role: string; expires_at: Date }>(
        'SELECT s.user_id, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()',
        [claims.sid],
      );
      const row = result.rows[0];
      if (!row) return null;
      session = { userId: row.user_id, role: row.role, expiresAt: row.expires_at };
      if (seen === generation) live.set(claims.sid, session);
    }
    return session.userId === claims.sub ? { id: session.userId, role: session.role } : null;
  }

  async function getPost(caller: Caller, id: string, res: ServerResponse): Promise<void> {
    if (!UUID.test(id)) return send(res, 400, { error: 'Validation failed' });
    const post = (await pool.query<PostRow>(`SELECT ${POST_COLUMNS} FROM posts WHERE id = $1`, [id])).rows[0];
    if (!post) return send(res, 404, { error: 'Post not found' });
    if (!post.is_published && post.author_id !== caller.id && !READ_ANY.has(caller.role)) return send(res, 403, { error: 'Access denied' });
    send(res, 200, toJson(post), { ETag: `"${post.version}"` });
  }

  async function listPosts(caller: Caller, url: URL, res: ServerResponse): Promise<void> {
    const limit = Number(url.searchParams.get('limit') ?? 20);
    const page = Number(url.searchParams.get('page') ?? 1);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100 || !Number.isInteger(page) || page < 1) return send(res, 400, { error: 'Validation failed' });
    const [rows, count] = await Promise.all([
      pool.query<PostRow>(
        `SELECT ${POST_COLUMNS} FROM posts WHERE is_published OR author_id = $1 ORDER BY created_at DESC, id ASC LIMIT $2 OFFSET $3`,
        [caller.id, limit, (page - 1) * limit],
      ),
      pool.query<{ total: string }>('SELECT count(*) AS total FROM posts WHERE is_published OR author_id = $1', [caller.id]),
    ]);
    send(res, 200, rows.rows.map(toJson), { 'X-Total-Count': count.rows[0]?.total ?? '0' });
  }

  async function createPost(caller: Caller, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const post = validPost(await readJson(req));
    if (!post) return send(res, 400, { error: 'Validation failed' });
    const row = await pool.query<PostRow>(
      `INSERT INTO posts (id, author_id, title, content, tags, is_published, updated_at) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now()) RETURNING ${POST_COLUMNS}`,
      [caller.id, stripHtml(post.title), stripHtml(post.content), post.tags.map(stripHtml), post.isPublished],
    );
    send(res, 201, toJson(row.rows[0]!), { ETag: `"${row.rows[0]!.version}"` });
  }

  /** Rotation with reuse detection, as RefreshSessionsService: one lookup, one compare-and-swap. */
  async function refresh(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    if (!isString(body.refreshToken, 1, 512)) return send(res, 401, { error: 'Invalid refresh token' });
    const found = (
      await pool.query<{ id: string; rotated_at: Date | null; expires_at: Date; session_id: string; user_id: string; revoked_at: Date | null; session_expires_at: Date; role: string }>(
        `SELECT t.id, t.rotated_at, t.expires_at, s.id AS session_id, s.user_id, s.revoked_at, s.expires_at AS session_expires_at, u.role
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id WHERE t.token_hash = $1`,
        [sha256(body.refreshToken)],
      )
    ).rows[0];
    if (!found) return send(res, 401, { error: 'Invalid refresh token' });
    const reuse = async () => {
      await pool.query(`UPDATE sessions SET revoked_at = now(), revoked_reason = 'refresh-token-reuse' WHERE id = $1 AND revoked_at IS NULL`, [found.session_id]);
      send(res, 401, { error: 'Invalid refresh token' });
    };
    if (found.rotated_at) return reuse();
    const now = Date.now();
    if (found.revoked_at || found.session_expires_at.getTime() <= now || found.expires_at.getTime() <= now) return send(res, 401, { error: 'Invalid refresh token' });
    const next = opaqueToken();
    const expiresAt = new Date(Math.min(now + REFRESH_TTL_SECONDS * 1000, found.session_expires_at.getTime()));
    const swapped = await pool.query<{ n: string }>(
      `WITH swapped AS (UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1 AND rotated_at IS NULL RETURNING session_id),
            successor AS (INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) SELECT gen_random_uuid(), session_id, $2, $3 FROM swapped),
            touched AS (UPDATE sessions SET last_used_at = now() WHERE id IN (SELECT session_id FROM swapped))
       SELECT count(*) AS n FROM swapped`,
      [found.id, sha256(next), expiresAt],
    );
    if (swapped.rows[0]?.n !== '1') return reuse();
    send(res, 200, tokenPair(found.user_id, found.role, found.session_id, next));
  }

  /** Password login: one argon2id verification (a dummy hash for unknown emails), then a new session. */
  async function login(req: IncomingMessage, res: ServerResponse, dummyHash: string): Promise<void> {
    const body = await readJson(req);
    if (!isString(body.email, 3, 254) || !isString(body.password, 1, 128)) return send(res, 400, { error: 'Validation failed' });
    const user = (await pool.query<{ id: string; role: string; password_hash: string }>('SELECT id, role, password_hash FROM users WHERE email = $1', [body.email])).rows[0];
    const valid = await argon2.verify(user?.password_hash ?? dummyHash, body.password).catch(() => false);
    if (!user || !valid) return send(res, 401, { error: 'Invalid credentials' });
    const refreshToken = opaqueToken();
    const now = Date.now();
    const session = await pool.query<{ id: string }>(
      `WITH session AS (INSERT INTO sessions (id, user_id, user_agent, ip, expires_at) VALUES (gen_random_uuid(), $1, $2, $3, $4) RETURNING id),
            token AS (INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at) SELECT gen_random_uuid(), id, $5, $6 FROM session)
       SELECT id FROM session`,
      [user.id, req.headers['user-agent'] ?? null, req.socket.remoteAddress ?? null, new Date(now + SESSION_TTL_SECONDS * 1000), sha256(refreshToken), new Date(now + REFRESH_TTL_SECONDS * 1000)],
    );
    send(res, 200, tokenPair(user.id, user.role, session.rows[0]!.id, refreshToken));
  }

  const dummyHash = argon2.hash(randomBytes(32).toString('base64url'), { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://baseline');
    void (async () => {
      if (req.method === 'POST' && url.pathname === '/api/v1/auth/refresh') return refresh(req, res);
      if (req.method === 'POST' && url.pathname === '/api/v1/auth/login') return login(req, res, await dummyHash);
      const caller = await authenticate(req);
      if (!caller) return send(res, 401, { error: 'Authentication required' });
      if (req.method === 'GET' && url.pathname === '/api/v1/posts') return listPosts(caller, url, res);
      if (req.method === 'POST' && url.pathname === '/api/v1/posts') return createPost(caller, req, res);
      if (req.method === 'GET' && url.pathname.startsWith('/api/v1/posts/')) return getPost(caller, url.pathname.slice(14), res);
      send(res, 404, { error: 'Not found' });
    })().catch((err: unknown) => (err instanceof BadInput ? send(res, 400, { error: err.message }) : send(res, 500, { error: 'Internal server error' })));
  });
  return listener.connect().then(() => listener.query('LISTEN auth_state')).then(() => new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    server.listen(options.port, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${options.port}`,
        close: async () => {
          await new Promise((r) => server.close(r));
          await pool.end();
          await listener.end();
        },
      }),
    );
  }));
}

/**
 * Run as its own process by `npm run bench` (so the load generator never shares its event loop):
 * settings from the environment, prints `listening <url>` once ready, stops on SIGTERM.
 */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  void startBaseline({
    databaseUrl: env.DATABASE_URL ?? '',
    privateKeyFile: env.JWT_PRIVATE_KEY_FILE ?? '',
    issuer: env.JWT_ISSUER ?? 'secure-nest-api',
    audience: env.JWT_AUDIENCE ?? 'secure-nest-api',
    port: Number(env.PORT ?? 0),
  }).then((baseline) => {
    process.stdout.write(`listening ${baseline.url}\n`);
    process.once('SIGTERM', () => void baseline.close().then(() => process.exit(0)));
  });
}
