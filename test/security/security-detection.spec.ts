/**
 * Checklist L, detection (LOG-04, LOG-05), grey-box: real apps listening on loopback addresses
 * (each test speaks from addresses of its own, so each has its own principals), the audit table
 * and the JSON log file read back. The two-instance case runs only when REDIS_URL is set.
 */
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { PrismaService } from '../../src/database/prisma.service.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { MetricsService } from '../../src/modules/metrics/metrics.service.js';
import { MAX_EVENTS_PER_REASON_PER_MINUTE } from '../../src/modules/detection/suspicious-input.recorder.js';
import { API, createPost, createUser, type TestUser } from '../setup/factories.js';
import { createApiKey } from './support/auth-flows.js';
import { call, describeWithRedis, sleep, uniqueKeyPrefix, useListeningApp, type CallOptions, type Reply } from './support/live-app.js';

const LOG_FILE = join(mkdtempSync(join(tmpdir(), 'detection-logs-')), 'app.log');

let nextHost = 1;
/** A loopback address no other test (of this file or another) speaks from. */
const freshIp = () => `127.77.${Math.floor(nextHost / 250)}.${(nextHost++ % 250) + 1}`;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unsignedToken = (header: object, claims: object, signature = '') => `${b64(header)}.${b64(claims)}.${signature}`;
function hmacToken(header: object, claims: object): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', 'guessed-secret').update(input).digest('base64url')}`;
}

/** The standard error body (validation refusals add `details`), its requestId being the response's X-Request-Id. */
function expectError(reply: Reply, status: number): void {
  expect({ status: reply.status, error: typeof reply.body.error, requestId: reply.body.requestId }).toEqual({ status, error: 'string', requestId: reply.headers['x-request-id'] });
}

type Row = { type: string; ip: string | null; userId: string | null; metadata: unknown; requestId: string | null };

/** Audit rows are written in the background: wait until `count` match (or 3 s), then a little more, so a late extra shows. */
async function eventsOf(app: INestApplication, where: { type: string; ip?: string; userId?: string }, count = 1): Promise<Row[]> {
  const prisma = app.get(PrismaService);
  const find = () => prisma.auditEvent.findMany({ where, select: { type: true, ip: true, userId: true, metadata: true, requestId: true } });
  for (let waited = 0; waited < 3000 && (await find()).length < count; waited += 100) await sleep(100);
  await sleep(300);
  return find();
}

async function counterValue(app: INestApplication, name: string, label: string, value: string): Promise<number> {
  const metric = await app.get(MetricsService).registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels[label] === value)?.value ?? 0;
}

type Probe = { reason: string; field: string; status: number; request: (marker: string) => [method: string, path: string, options: CallOptions] };

describe('security detection (checklist L: LOG-04, LOG-05)', () => {
  const app = useListeningApp({ LOG_FILE, LOG_LEVEL: 'info' });
  let user: TestUser;
  const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });

  const PROBES: Probe[] = [
    { reason: 'prototype_key', field: 'body.__proto__', status: 400, request: (m) => ['POST', `${API}/auth/login`, { body: JSON.parse(`{"email":"a@example.com","password":"${m}","__proto__":{"role":"admin"}}`) as object }] },
    // `profile` is no field of any DTO: a name the caller chose is `?` in the trail.
    { reason: 'prototype_key', field: 'body.?.constructor', status: 400, request: (m) => ['POST', `${API}/auth/register`, { body: JSON.parse(`{"name":"${m}","profile":{"constructor":{"prototype":{"role":"admin"}}}}`) as object }] },
    { reason: 'prototype_key', field: 'body.?.__proto__', status: 400, request: (m) => ['POST', `${API}/auth/login`, { body: JSON.parse(`{"email":"a@example.com","${m}":{"__proto__":{}}}`) as object }] },
    { reason: 'control_character', field: 'body.password', status: 400, request: (m) => ['POST', `${API}/auth/login`, { body: { email: 'a@example.com', password: `${m}\u0007\u001b[2J` } }] },
    { reason: 'control_character', field: 'query.q', status: 400, request: () => ['GET', `${API}/posts?q=a%00b`, { token: user.accessToken }] },
    { reason: 'type_confusion', field: 'body.password', status: 400, request: (m) => ['POST', `${API}/auth/login`, { body: { email: 'a@example.com', password: { $ne: m } } }] },
    { reason: 'type_confusion', field: 'body.email', status: 400, request: (m) => ['POST', `${API}/auth/login`, { body: { email: { $gt: '' }, password: m } }] },
    { reason: 'type_confusion', field: 'body.expiresAt', status: 400, request: (m) => ['POST', `${API}/api-keys`, { token: user.accessToken, body: { name: m, scopes: ['posts:read'], expiresAt: { $gt: '' } } }] },
    { reason: 'type_confusion', field: 'body.title', status: 400, request: (m) => ['POST', `${API}/posts`, { token: user.accessToken, body: { title: [m, m], content: 'c' } }] },
    { reason: 'token_alg_none', field: 'header.authorization.alg', status: 401, request: (m) => ['GET', `${API}/users/me`, { token: unsignedToken({ alg: 'none', typ: 'at+jwt' }, { sub: m }) }] },
    { reason: 'token_alg_none', field: 'body.mfaToken.alg', status: 401, request: (m) => ['POST', `${API}/auth/mfa/verify`, { body: { mfaToken: unsignedToken({ alg: 'none', typ: 'mfa-challenge+jwt' }, { sub: m }), code: '123456' } }] },
    { reason: 'token_alg_hmac', field: 'header.authorization.alg', status: 401, request: (m) => ['GET', `${API}/users/me`, { token: hmacToken({ alg: 'HS256', typ: 'at+jwt' }, { sub: m }) }] },
    { reason: 'token_embedded_key', field: 'header.authorization.jwk', status: 401, request: (m) => ['GET', `${API}/users/me`, { token: unsignedToken({ alg: 'RS256', typ: 'at+jwt', jwk: attackerKey }, { sub: m }, 'c2ln') }] },
    { reason: 'token_embedded_key', field: 'header.authorization.jku', status: 401, request: (m) => ['GET', `${API}/users/me`, { token: unsignedToken({ alg: 'RS256', typ: 'at+jwt', jku: 'http://127.0.0.1:1/jwks.json' }, { sub: m }, 'c2ln') }] },
    { reason: 'method_override', field: 'header.x-http-method-override', status: 400, request: (m) => ['POST', `${API}/auth/login`, { headers: { 'X-HTTP-Method-Override': 'DELETE' }, body: { email: 'a@example.com', password: m } }] },
    { reason: 'method_override', field: 'header.x-method-override', status: 400, request: () => ['GET', `${API}/posts`, { headers: { 'X-Method-Override': 'DELETE' } }] },
    { reason: 'content_encoding', field: 'header.content-encoding', status: 415, request: (m) => ['POST', `${API}/auth/login`, { headers: { 'Content-Encoding': 'gzip' }, body: { email: 'a@example.com', password: m } }] },
  ];

  describe('LOG-04 suspicious input', () => {
    it.each(PROBES.map((p) => ({ ...p, name: `${p.reason} (${p.field})` })))(
      'LOG-04 $name: sent twice, one SUSPICIOUS_INPUT event with its reason and field, no payload in the row or the log',
      async (probe) => {
        // A user of its own per probe: signed in, the principal is the user, not the address.
        user = await createUser(app());
        const from = freshIp();
        const marker = `MARK${randomUUID().replaceAll('-', '')}`;
        const [method, path, options] = probe.request(marker);
        const reply = await call(app(), method, path, { ...options, from });
        expectError(reply, probe.status);
        // The same refusal again within the minute: still refused, but no second event.
        expectError(await call(app(), method, path, { ...options, from }), probe.status);
        const rows = await eventsOf(app(), { type: 'SUSPICIOUS_INPUT', ip: from }, 2);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ requestId: reply.headers['x-request-id'], metadata: { reason: probe.reason, field: probe.field, method } });
        expect(Object.keys(rows[0].metadata as object).sort()).toEqual(['field', 'method', 'reason']);
        // Signed in (the query case): the event names the user; otherwise the IP is the principal.
        expect(rows[0].userId).toBe(options.token === user.accessToken && reply.status !== 401 ? user.id : null);
        expect(JSON.stringify(rows[0])).not.toContain(marker);
        const log = readFileSync(LOG_FILE, 'utf8');
        const eventLines = log.split('\n').filter((line) => line.includes('"SUSPICIOUS_INPUT"') && line.includes(String(reply.headers['x-request-id'])));
        expect(eventLines).toHaveLength(1);
        expect(log).not.toContain(marker);
        expect(log).not.toContain(marker.slice(4, 20));
      },
    );

    it('LOG-04 a flood of 50 bad requests per reason leaves one event per reason and minute; the metric counts them all', async () => {
      const from = freshIp();
      const before = await counterValue(app(), 'suspicious_requests_total', 'reason', 'prototype_key');
      for (let i = 0; i < 50; i++) {
        expectError(await call(app(), 'POST', `${API}/auth/login`, { from, body: JSON.parse(`{"email":"a@example.com","password":"p${i}","__proto__":{"x":${i}}}`) as object }), 400);
        expectError(await call(app(), 'GET', `${API}/posts`, { from, headers: { 'X-HTTP-Method': 'DELETE' } }), 400);
      }
      const rows = await eventsOf(app(), { type: 'SUSPICIOUS_INPUT', ip: from }, 2);
      expect(rows.map((r) => (r.metadata as { reason: string }).reason).sort()).toEqual(['method_override', 'prototype_key']);
      expect((await counterValue(app(), 'suspicious_requests_total', 'reason', 'prototype_key')) - before).toBe(50);
    });

    it('LOG-04 honest requests raise nothing: tabs, line and page breaks in text, a wrong type that is not an object, an unknown scope, a repeated query parameter, a real token', async () => {
      const from = freshIp();
      user ??= await createUser(app());
      expect((await call(app(), 'POST', `${API}/posts`, { from, token: user.accessToken, body: { title: 'Tabs\tand\nnewlines', content: 'a\r\nb, pasted\u000bline break\u000cpage break' } })).status).toBe(201);
      expectError(await call(app(), 'POST', `${API}/posts`, { from, token: user.accessToken, body: { title: 42, content: 'c' } }), 400);
      expectError(await call(app(), 'POST', `${API}/api-keys`, { from, token: user.accessToken, body: { name: 'typo', scopes: ['post:read'] } }), 400);
      expectError(await call(app(), 'GET', `${API}/posts?q=a&q=b`, { from, token: user.accessToken }), 400);
      expectError(await call(app(), 'POST', `${API}/auth/login`, { from, body: { email: 'a@example.com', password: 'wrong password' } }), 401);
      expect((await call(app(), 'GET', `${API}/users/me`, { from, token: user.accessToken })).status).toBe(200);
      expect(await eventsOf(app(), { type: 'SUSPICIOUS_INPUT', ip: from }, 0)).toEqual([]);
    });

    it('LOG-04 the events are listed by GET /admin/audit-events?type=SUSPICIOUS_INPUT', async () => {
      const admin = await createUser(app(), Role.admin);
      const reply = await call(app(), 'GET', `${API}/admin/audit-events?type=SUSPICIOUS_INPUT&limit=100`, { token: admin.accessToken });
      expect(reply.status).toBe(200);
      const listed = reply.body as unknown as { type: string; metadata: { reason: string } }[];
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.every((e) => e.type === 'SUSPICIOUS_INPUT')).toBe(true);
    });
  });

  describe('LOG-05 access pattern anomalies', () => {
    let owner: TestUser;
    let drafts: string[] = [];
    let published: string[] = [];
    const anomaliesOf = (instance: INestApplication, userId: string, count = 1) => eventsOf(instance, { type: 'ACCESS_PATTERN_ANOMALY', userId }, count);

    const setUp = async () => {
      if (drafts.length > 0) return;
      owner = await createUser(app());
      drafts = [];
      published = [];
      for (let i = 0; i < 25; i++) drafts.push((await createPost(app(), owner, { title: `Draft ${i}`, isPublished: false })).id);
      for (let i = 0; i < 25; i++) published.push((await createPost(app(), owner, { title: `Published ${i}`, isPublished: true })).id);
    };

    it('LOG-05 BOLA probing: 25 foreign draft ids (each tried twice, through a session and an API key) raise exactly one ACCESS_PATTERN_ANOMALY', async () => {
      await setUp();
      const prober = await createUser(app());
      const { key } = await createApiKey(app(), prober, ['posts:read']);
      const before = await counterValue(app(), 'access_anomalies_total', 'kind', 'bola_probing');
      // Spread over the session and a key: a key counts as its owner, so neither hides the pattern.
      for (const [i, id] of [...drafts, ...drafts.slice(0, 5)].entries()) {
        const reply = await call(app(), 'GET', `${API}/posts/${id}`, i % 2 ? { token: prober.accessToken } : { apiKey: key });
        expect([403, 404]).toContain(reply.status);
      }
      const rows = await anomaliesOf(app(), prober.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].metadata).toEqual({ kind: 'bola_probing', threshold: 20, windowSeconds: 300 });
      expect((await counterValue(app(), 'access_anomalies_total', 'kind', 'bola_probing')) - before).toBe(1);
      const admin = await createUser(app(), Role.admin);
      const listed = await call(app(), 'GET', `${API}/admin/audit-events?type=ACCESS_PATTERN_ANOMALY&userId=${prober.id}`, { token: admin.accessToken });
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([expect.objectContaining({ type: 'ACCESS_PATTERN_ANOMALY', userId: prober.id })]);
    });

    it('LOG-05 honest browsing: 25 published posts read, one draft id refused twice, 404s on unknown routes: no anomaly', async () => {
      await setUp();
      const reader = await createUser(app());
      for (const id of published) expect((await call(app(), 'GET', `${API}/posts/${id}`, { token: reader.accessToken })).status).toBe(200);
      for (let i = 0; i < 2; i++) expect([403, 404]).toContain((await call(app(), 'GET', `${API}/posts/${drafts[0]}`, { token: reader.accessToken })).status);
      for (let i = 0; i < 25; i++) expectError(await call(app(), 'GET', `${API}/no-such-route/${randomUUID()}`, { token: reader.accessToken }), 404);
      expect(await anomaliesOf(app(), reader.id, 0)).toEqual([]);
    });

    it('LOG-05 failed logins on one account from 11 IPs raise one ACCESS_PATTERN_ANOMALY; from 2 IPs, none', async () => {
      const target = await createUser(app());
      const mistyper = await createUser(app());
      for (let i = 0; i < 11; i++) expectError(await call(app(), 'POST', `${API}/auth/login`, { from: freshIp(), body: { email: target.email, password: `guess ${i}` } }), 401);
      const [home, office] = [freshIp(), freshIp()];
      for (const from of [home, office, home, office]) expectError(await call(app(), 'POST', `${API}/auth/login`, { from, body: { email: mistyper.email, password: 'almost my password' } }), 401);
      const rows = await anomaliesOf(app(), target.id);
      expect(rows).toHaveLength(1);
      expect(rows[0].metadata).toEqual({ kind: 'credential_stuffing', threshold: 10, windowSeconds: 3600 });
      expect(JSON.stringify(rows[0])).not.toContain(target.email);
      expect(await anomaliesOf(app(), mistyper.id, 0)).toEqual([]);
    });
  });
});

describeWithRedis('LOG-05 across two instances sharing Redis', () => {
  const shared = { RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() };
  const [first, second] = [useListeningApp(shared), useListeningApp(shared)];

  it('LOG-05 BOLA probing split between two instances sharing Redis raises exactly one event', async () => {
    const owner = await createUser(first());
    const prober = await createUser(first());
    const drafts: string[] = [];
    for (let i = 0; i < 25; i++) drafts.push((await createPost(first(), owner, { title: `Shared draft ${i}` })).id);
    for (const [i, id] of drafts.entries()) {
      const reply = await call((i % 2 ? second : first)(), 'GET', `${API}/posts/${id}`, { token: prober.accessToken });
      expect([403, 404]).toContain(reply.status);
    }
    // Neither instance saw more than 13 ids: only the shared count passes 20.
    const rows = await eventsOf(first(), { type: 'ACCESS_PATTERN_ANOMALY', userId: prober.id });
    expect(rows).toHaveLength(1);
    expect(rows[0].metadata).toMatchObject({ kind: 'bola_probing' });
  });
});

describe('LOG-04 the overall bound: many addresses cannot flood the trail either', () => {
  // An app of its own (its own counters), so events of the tests above do not share its budget.
  const flooded = useListeningApp();

  it(`LOG-04 ${MAX_EVENTS_PER_REASON_PER_MINUTE + 5} addresses sending a method override within a minute leave ${MAX_EVENTS_PER_REASON_PER_MINUTE} events; the metric counts all, and the 5 suppressed`, async () => {
    const before = await counterValue(flooded(), 'suspicious_requests_total', 'reason', 'method_override');
    const sources = Array.from({ length: MAX_EVENTS_PER_REASON_PER_MINUTE + 5 }, () => freshIp());
    for (const from of sources) expectError(await call(flooded(), 'GET', `${API}/posts`, { from, headers: { 'X-HTTP-Method': 'PUT' } }), 400);
    const prisma = flooded().get(PrismaService);
    const count = () => prisma.auditEvent.count({ where: { type: 'SUSPICIOUS_INPUT', ip: { in: sources } } });
    for (let waited = 0; waited < 5000 && (await count()) < MAX_EVENTS_PER_REASON_PER_MINUTE; waited += 100) await sleep(100);
    await sleep(300);
    expect(await count()).toBe(MAX_EVENTS_PER_REASON_PER_MINUTE);
    expect((await counterValue(flooded(), 'suspicious_requests_total', 'reason', 'method_override')) - before).toBe(sources.length);
    expect(await counterValue(flooded(), 'suspicious_events_suppressed_total', 'reason', 'method_override')).toBe(5);
  });
});
