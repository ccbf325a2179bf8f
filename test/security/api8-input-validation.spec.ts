import { Role } from '../../src/generated/prisma/enums.js';
import type { INestApplication } from '@nestjs/common';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createPost, createUser, login, registerVerified, strongPassword, uniqueEmail, type TestUser } from '../setup/factories.js';
import { distinctiveWord, expectError, expectFieldRejected, http, prismaOf } from './support/authz.js';

const SOME_UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SQL_INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE posts; --",
  "1; SELECT pg_sleep(5); --",
  "' UNION SELECT password_hash, email FROM users --",
  "$$; DROP TABLE users; $$",
  '\\\'; DELETE FROM sessions; --',
  '%_%',
];
const TABLES = ['users', 'posts', 'sessions', 'refresh_tokens', 'audit_events'];
const POLLUTIONS = ['{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"role":"admin"}}}', '{"prototype":{"role":"admin"}}'];
const NON_JSON_BODIES: [type: string, body: string][] = [
  ['text/plain', '{"email":"a@example.com","password":"x"}'],
  ['application/x-www-form-urlencoded', 'email=a%40example.com&password=x&title=t&content=c'],
  ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.com\r\n--XyZ--\r\n'],
  ['application/xml', '<?xml version="1.0"?><login><email>a@example.com</email><password>x</password></login>'],
];

const validRegistration = () => ({ email: uniqueEmail('val'), password: strongPassword(), name: 'Val Idation' });
const validPost = () => ({ title: 'A valid title', content: 'Valid content' });

/** `base` as JSON with the raw members of `extraObject` (a JSON object text) appended, unparsed. */
const jsonWith = (base: object, extraObject: string) => `${JSON.stringify(base).slice(0, -1)},${extraObject.slice(1)}`;

async function expectTablesIntact(app: INestApplication): Promise<void> {
  const rows = await prismaOf(app).$queryRaw<{ table_name: string }[]>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
  expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
}

describe('API8 input validation and injection', () => {
  const app = useTestApp();
  let user: TestUser;
  beforeAll(async () => {
    user = await createUser(app());
  });

  const register = (body: object | string) => http(app()).post(`${API}/auth/register`).type('json').send(body);
  const createPostAs = (who: TestUser, body: object | string) => http(app()).post(`${API}/posts`).set(bearer(who.accessToken)).type('json').send(body);
  const listPosts = (query: string) => http(app()).get(`${API}/posts?${query}`).set(bearer(user.accessToken));
  const userExists = async (email: string) => (await prismaOf(app()).user.count({ where: { email } })) > 0;

  describe('VAL-01 unknown fields, wrong types, bad ids, repeated parameters', () => {
    it('VAL-01 unknown body fields are refused with 400, never ignored', async () => {
      const registration = { ...validRegistration(), isAdmin: true };
      expectFieldRejected(await register(registration), 'isAdmin');
      expect(await userExists(registration.email)).toBe(false);
      expectFieldRejected(await http(app()).post(`${API}/auth/login`).send({ email: user.email, password: user.password, rememberMe: true }), 'rememberMe');
      expectFieldRejected(await createPostAs(user, { ...validPost(), slug: 'x' }), 'slug');
      expectFieldRejected(await http(app()).patch(`${API}/users/me`).set(bearer(user.accessToken)).send({ name: 'N', nickname: 'x' }), 'nickname');
    });

    it('VAL-01 query operators in place of strings ({"$ne": null}) are 400 on login', async () => {
      const asOperator = await http(app()).post(`${API}/auth/login`).type('json').send('{"email":{"$ne":null},"password":"x"}');
      expectFieldRejected(asOperator, 'email');
      expectFieldRejected(await http(app()).post(`${API}/auth/login`).send({ email: user.email, password: { $gt: '' } }), 'password');
    });

    it.each<[string, string, object]>([
      ['register', 'email', { email: 12345 }],
      ['register', 'password', { password: 123456789012345 }],
      ['register', 'name', { name: ['Val'] }],
      ['register', 'email', { email: [uniqueEmail()] }],
      ['post', 'title', { title: 12345 }],
      ['post', 'content', { content: ['Valid content'] }],
      ['post', 'tags', { tags: 'one-tag' }],
      ['post', 'tags', { tags: [1, 2] }],
      ['post', 'isPublished', { isPublished: 'true' }],
      ['post', 'title', { title: { toString: 'x' } }],
    ])('VAL-01 a wrong type on %s.%s is 400: %j', async (route, field, override) => {
      const res = route === 'register' ? await register({ ...validRegistration(), ...override }) : await createPostAs(user, { ...validPost(), ...override });
      expectFieldRejected(res, field);
    });

    it('VAL-01 a body that is not a JSON object is 400', async () => {
      for (const body of ['[{"email":"a@example.com","password":"x"}]', '"a string"', 'null', '42']) {
        const res = await http(app()).post(`${API}/auth/login`).type('json').send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
      }
    });

    it.each(['not-a-uuid', '1', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g', `${SOME_UUID}x`, `{${SOME_UUID}}`])(
      'VAL-01 the malformed path id %s is 400 on every :id route',
      async (id) => {
        const path = encodeURIComponent(id);
        const auth = bearer(user.accessToken);
        const answers = [
          await http(app()).get(`${API}/posts/${path}`).set(auth),
          await http(app()).patch(`${API}/posts/${path}`).set(auth).send({ title: 'New title' }),
          await http(app()).delete(`${API}/posts/${path}`).set(auth),
          await http(app()).get(`${API}/users/${path}`).set(auth),
          await http(app()).delete(`${API}/auth/sessions/${path}`).set(auth),
        ];
        const refused = { status: 400, body: { error: 'Validation failed', requestId: expect.any(String), details: [{ field: 'id', message: 'id must be a UUID' }] } };
        expect(answers.map((res) => ({ status: res.status, body: res.body as unknown }))).toEqual(answers.map(() => refused));
      },
    );

    it.each(['limit=1&limit=2', 'page=1&page=2', 'q=alpha&q=beta', 'limit=5&limit=5'])('VAL-01 the repeated query parameter in ?%s is 400', async (query) => {
      const res = await listPosts(query);
      expectFieldRejected(res, query.split('=')[0]);
    });

    it.each(['limit[]=1', 'limit[$gt]=1', 'q[$ne]=x', 'debug=true', 'limit=abc', 'limit=0', 'limit=-1', 'limit=1.5', 'page=0'])(
      'VAL-01 the query ?%s is 400',
      async (query) => {
        const res = await listPosts(query);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: 'Validation failed', requestId: expect.any(String), details: expect.any(Array) });
      },
    );
  });

  describe('VAL-02 prototype pollution', () => {
    it.each(POLLUTIONS)('VAL-02 %s in a register body is 400 and creates nothing', async (pollution) => {
      const registration = validRegistration();
      expectError(await register(jsonWith(registration, pollution)), 400);
      expectError(await register(jsonWith(registration, `{"profile":${pollution}}`)), 400);
      expect(await userExists(registration.email)).toBe(false);
    });

    it.each(POLLUTIONS)('VAL-02 %s in a post body is 400 and creates nothing', async (pollution) => {
      const author = await createUser(app());
      expectError(await createPostAs(author, jsonWith(validPost(), pollution)), 400);
      expectError(await createPostAs(author, jsonWith(validPost(), `{"tags":[${pollution}]}`)), 400);
      expect(await prismaOf(app()).post.count({ where: { authorId: author.id } })).toBe(0);
    });

    it('VAL-02 after the polluting requests, objects are clean and a new account is still a USER', async () => {
      for (const pollution of POLLUTIONS) await register(pollution);
      const fresh: Record<string, unknown> = {};
      expect(fresh.role).toBeUndefined();
      expect('role' in fresh).toBe(false);
      expect(Object.prototype).not.toHaveProperty('role');

      const registration = validRegistration();
      await registerVerified(app(), registration.email, registration.password, registration.name);
      expect((await prismaOf(app()).user.findUniqueOrThrow({ where: { email: registration.email } })).role).toBe('user');
      const { accessToken } = await login(app(), registration.email, registration.password);
      const me = await http(app()).get(`${API}/users/me`).set(bearer(accessToken));
      expect(me.body.role).toBe('user');
    });
  });

  describe('VAL-03 SQL injection is data', () => {
    it('VAL-03 in the search query: 200, no other user draft, no hash, no delay', async () => {
      const word = distinctiveWord();
      const other = await createUser(app());
      await createPost(app(), other, { title: `Secret draft ${word}`, content: word, isPublished: false });
      for (const injection of [...SQL_INJECTIONS, `${word}' OR '1'='1`, `${word}") OR true --`]) {
        const started = Date.now();
        const res = await listPosts(`q=${encodeURIComponent(injection)}`);
        expect({ injection, status: res.status }).toEqual({ injection, status: 200 });
        expect(Date.now() - started).toBeLessThan(4_000);
        expect((res.body as { authorId: string }[]).filter((p) => p.authorId === other.id)).toEqual([]);
        expect(res.text).not.toMatch(/\$argon2|password/i);
      }
      await expectTablesIntact(app());
    });

    it('VAL-03 in a path id: 400, never a database error', async () => {
      for (const injection of SQL_INJECTIONS) {
        const res = await http(app()).get(`${API}/posts/${encodeURIComponent(injection)}`).set(bearer(user.accessToken));
        expectFieldRejected(res, 'id');
      }
      await expectTablesIntact(app());
    });

    it('VAL-03 in body fields: stored and returned as the literal text', async () => {
      const [title, content, tag] = ["'; DROP TABLE posts; --", "Robert'); DROP TABLE users; --", "' OR 1=1 --"];
      const created = await createPostAs(user, { title, content, tags: [tag] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ title, content, tags: [tag] });
      const stored = await prismaOf(app()).post.findUnique({ where: { id: created.body.id } });
      expect(stored).toMatchObject({ title, content, tags: [tag] });

      const name = "Bobby'); DROP TABLE users; --";
      const renamed = await http(app()).patch(`${API}/users/me`).set(bearer(user.accessToken)).send({ name });
      expect(renamed.body.name).toBe(name);
      await expectTablesIntact(app());
    });

    it('VAL-03 in headers (X-Request-Id, User-Agent, X-Forwarded-For): no 500, stored literally, never echoed raw', async () => {
      const userAgent = "'); DROP TABLE sessions; --";
      const res = await http(app())
        .post(`${API}/auth/login`)
        .set({ 'X-Request-Id': "'; DROP TABLE posts; --", 'User-Agent': userAgent, 'X-Forwarded-For': "1.2.3.4'; DROP TABLE users; --" })
        .send({ email: user.email, password: user.password });
      expect(res.status).toBe(200);
      expect(res.headers['x-request-id']).toMatch(UUID);
      const sessions = await http(app()).get(`${API}/auth/sessions`).set(bearer(res.body.accessToken));
      expect((sessions.body as { current: boolean; userAgent: string }[]).find((s) => s.current)?.userAgent).toBe(userAgent);
      const anonymous = await http(app()).get(`${API}/posts`).set({ 'X-Request-Id': "1' OR '1'='1", 'User-Agent': userAgent });
      expectError(anonymous, 401);
      expect(anonymous.headers['x-request-id']).toMatch(UUID);
      await expectTablesIntact(app());
    });
  });

  describe('VAL-04 JSON only', () => {
    const routes: [string, (type: string, body: string) => PromiseLike<Response>][] = [
      ['POST /auth/login', (type, body) => http(app()).post(`${API}/auth/login`).set('Content-Type', type).send(body)],
      ['POST /posts', (type, body) => http(app()).post(`${API}/posts`).set(bearer(user.accessToken)).set('Content-Type', type).send(body)],
    ];
    const cases = routes.flatMap(([route, send]) => NON_JSON_BODIES.map(([type, body]) => [route, type, send, body] as const));

    it.each(cases)('VAL-04 %s with %s is 415 with the standard body', async (_route, type, send, body) => {
      expectError(await send(type, body), 415, 'Content-Type must be application/json');
    });

    it('VAL-04 a refused non-JSON post creates nothing', async () => {
      const before = await prismaOf(app()).post.count({ where: { authorId: user.id } });
      for (const [type, body] of NON_JSON_BODIES) await routes[1][1](type, body);
      expect(await prismaOf(app()).post.count({ where: { authorId: user.id } })).toBe(before);
    });
  });

  describe('VAL-05 size limits', () => {
    const tags = (count: number) => Array.from({ length: count }, (_, i) => `tag${i}`);

    it.each<[string, string, object]>([
      ['a 201-character title', 'title', { title: 'x'.repeat(201) }],
      ['11 tags', 'tags', { tags: tags(11) }],
      ['a 51-character tag', 'tags', { tags: ['x'.repeat(51)] }],
      ['50,001 characters of content', 'content', { content: 'x'.repeat(50_001) }],
    ])('VAL-05 %s is 400 on create and on update', async (_what, field, override) => {
      expectFieldRejected(await createPostAs(user, { ...validPost(), ...override }), field);
      const post = await createPost(app(), user);
      expectFieldRejected(await http(app()).patch(`${API}/posts/${post.id}`).set(bearer(user.accessToken)).send(override), field);
    });

    it('VAL-05 a post exactly at every limit is accepted', async () => {
      const res = await createPostAs(user, { title: 'x'.repeat(200), content: 'y'.repeat(50_000), tags: [...tags(9), 'z'.repeat(50)] });
      expect(res.status).toBe(201);
    });

    it('VAL-05 a name over 100 characters is 400 on register and on profile update; 100 is accepted', async () => {
      expectFieldRejected(await register({ ...validRegistration(), name: 'n'.repeat(101) }), 'name');
      const profile = (name: string) => http(app()).patch(`${API}/users/me`).set(bearer(user.accessToken)).send({ name });
      expectFieldRejected(await profile('n'.repeat(101)), 'name');
      expect((await profile('n'.repeat(100))).status).toBe(200);
    });

    it('VAL-05 limit=100000 (and 101) is 400; limit=100 is served', async () => {
      expectFieldRejected(await listPosts('limit=100000'), 'limit');
      expectFieldRejected(await listPosts('limit=101'), 'limit');
      expect((await listPosts('limit=100')).status).toBe(200);
    });

    it('VAL-05 a search over 200 characters and an email over 254 are 400', async () => {
      expectFieldRejected(await listPosts(`q=${'q'.repeat(201)}`), 'q');
      expectFieldRejected(await register({ ...validRegistration(), email: `${'e'.repeat(250)}@example.com` }), 'email');
    });
  });

  /** Found by the OpenAPI fuzzer (test/resilience/openapi-fuzz.spec.ts): each answered 500 once. */
  describe('VAL-01 inputs the fuzzer found: a 4xx, never a 500', () => {
    it('a body labelled gzip, deflate or br is refused (415), before any route runs', async () => {
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const res = await http(app()).post(`${API}/auth/login`).set('Content-Type', 'application/json').set('Content-Encoding', encoding).send('{}');
        expectError(res, 415);
      }
    });

    it('NUL in any JSON string or key is a 400, and in the search query too; nothing is stored', async () => {
      // Escapes in the JSON text (\\u0000), as a client would send them.
      const title = 'Nul\\u0000title';
      expectError(await createPostAs(user, `{"title":"${title}","content":"c"}`), 400);
      expectError(await createPostAs(user, '{"title":"A title","content":"c","tags":["a\\u0000b"]}'), 400);
      expectError(await http(app()).patch(`${API}/users/me`).set(bearer(user.accessToken)).type('json').send('{"name":"a\\u0000b"}'), 400);
      expectError(await register('{"email":"x@example.com","password":"a long password 1","name":"n","\\u0000":1}'), 400);
      expect((await listPosts('q=%00')).status).toBe(400);
      expect(await prismaOf(app()).post.count({ where: { title: { contains: 'Nul' } } })).toBe(0);
    });

    it('a lone UTF-16 surrogate is a 400, signed in or not', async () => {
      expectError(await http(app()).post(`${API}/auth/login`).type('json').send('{"email":"a\\ud800@example.com","password":"x"}'), 400);
      expectError(await createPostAs(user, '{"title":"Lone \\udc00 surrogate","content":"c"}'), 400);
    });

    it('null for an optional post field is a 400 on create and update, and does not blank the title', async () => {
      for (const field of ['tags', 'isPublished']) expectFieldRejected(await createPostAs(user, { ...validPost(), [field]: null }), field);
      const post = await createPost(app(), user, { title: 'Keep this title' });
      for (const field of ['title', 'content', 'tags', 'isPublished']) {
        const res = await http(app()).patch(`${API}/posts/${post.id}`).set(bearer(user.accessToken)).send({ [field]: null });
        expectFieldRejected(res, field);
      }
      expect((await prismaOf(app()).post.findUniqueOrThrow({ where: { id: post.id } })).title).toBe('Keep this title');
    });

    it('audit-log dates outside what PostgreSQL holds are a 400', async () => {
      const admin = await createUser(app(), Role.admin);
      for (const query of ['to=-271821-04-20T00:00:00.000Z', 'from=%2B275760-09-13T00:00:00.000Z']) {
        const res = await http(app()).get(`${API}/admin/audit-events?${query}`).set(bearer(admin.accessToken));
        expect(res.status).toBe(400);
      }
    });
  });
});
