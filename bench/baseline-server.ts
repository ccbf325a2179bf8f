/**
 * The practical ceiling for the benchmark: the same read endpoints as the API, with the same
 * semantics, on plain `node:http` + `pg`. RS256 verified through pre-built KeyObjects with
 * iss/aud/exp/typ checks, the same per-request session (revocation) check, the row by primary
 * key, the same ownership rule and the same JSON. No framework, no ORM, no validation library.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { jwkThumbprint } from '../src/modules/auth/tokens/signing-keys.service.js';

type Caller = { id: string; role: string };
type PostRow = { id: string; author_id: string; title: string; content: string; tags: string[]; is_published: boolean; created_at: Date; updated_at: Date };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const READ_ANY = new Set(['MODERATOR', 'ADMIN']);
const POST_COLUMNS = 'id, author_id, title, content, tags, is_published, created_at, updated_at';

const toJson = (p: PostRow) => ({
  id: p.id,
  authorId: p.author_id,
  title: p.title,
  content: p.content,
  tags: p.tags,
  isPublished: p.is_published,
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
  const publicKey = createPublicKey(readFileSync(options.privateKeyFile, 'utf8'));
  const keys = new Map<string, KeyObject>([[jwkThumbprint(publicKey), publicKey]]);

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
    const session = await pool.query<{ user_id: string; role: string }>(
      'SELECT s.user_id, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()',
      [claims.sid],
    );
    const row = session.rows[0];
    return row && row.user_id === claims.sub ? { id: row.user_id, role: row.role } : null;
  }

  async function getPost(caller: Caller, id: string, res: ServerResponse): Promise<void> {
    if (!UUID.test(id)) return send(res, 400, { error: 'Validation failed' });
    const post = (await pool.query<PostRow>(`SELECT ${POST_COLUMNS} FROM posts WHERE id = $1`, [id])).rows[0];
    if (!post) return send(res, 404, { error: 'Post not found' });
    if (!post.is_published && post.author_id !== caller.id && !READ_ANY.has(caller.role)) return send(res, 403, { error: 'Access denied' });
    send(res, 200, toJson(post));
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

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://baseline');
    void (async () => {
      const caller = await authenticate(req);
      if (!caller) return send(res, 401, { error: 'Authentication required' });
      if (req.method === 'GET' && url.pathname === '/api/v1/posts') return listPosts(caller, url, res);
      if (req.method === 'GET' && url.pathname.startsWith('/api/v1/posts/')) return getPost(caller, url.pathname.slice(14), res);
      send(res, 404, { error: 'Not found' });
    })().catch(() => send(res, 500, { error: 'Internal server error' }));
  });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    server.listen(options.port, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${options.port}`,
        close: async () => {
          await new Promise((r) => server.close(r));
          await pool.end();
        },
      }),
    );
  });
}
