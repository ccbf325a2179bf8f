import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions, type SecureVersion } from 'node:tls';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request, { type Response } from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { appOptions, configureApp } from '../../src/app.setup.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';
import { useTestApp } from '../setup/create-test-app.js';
import { API, bearer, createUser, type TestUser } from '../setup/factories.js';
import { expectError, http } from './support/authz.js';
import { call, uniqueKeyPrefix, useListeningApp } from './support/live-app.js';
import { oversizedJson } from './support/input.js';

/** The API CSP, `default-src 'none'; frame-ancestors 'none'`, as directives (whitespace after `;` is optional). */
const API_CSP = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };
const ORIGIN = 'https://app.example.com';
/**
 * Production settings the config insists on (the test database URL already carries a random,
 * non-placeholder password). No mail is sent by these suites: the SMTP URL is never dialled.
 */
const PRODUCTION = { NODE_ENV: 'production', SMTP_URL: 'smtp://127.0.0.1:2525' };
const VIA_HTTPS = { 'X-Forwarded-Proto': 'https' };

function expectHsts(value: string | undefined): void {
  expect(Number(/max-age=(\d+)/.exec(value ?? '')?.[1] ?? 0)).toBeGreaterThanOrEqual(31_536_000);
  expect(value).toMatch(/;\s*includeSubDomains/i);
}

/** HDR-01: the headers every JSON answer carries, whatever its status. */
function expectApiHeaders(res: Response): void {
  expect(res.headers).toMatchObject({
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
  expect(cspDirectives(res.headers['content-security-policy'])).toEqual(API_CSP);
  expectHsts(res.headers['strict-transport-security']);
}

/** HDR-02: nothing that names the stack or re-enables the old XSS auditor. */
function expectNoBanner(res: Response): void {
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers.server).toBeUndefined();
  expect(res.headers['x-xss-protection'] ?? '0').toBe('0');
}

/** `directive -> sources` of a Content-Security-Policy header. */
function cspDirectives(header: string | undefined): Record<string, string[]> {
  const entries = (header ?? '').split(';').map((d) => d.trim().split(/\s+/));
  return Object.fromEntries(entries.filter(([name]) => name).map(([name, ...sources]) => [name, sources]));
}

const corsHeaderNames = (res: Response) => Object.keys(res.headers).filter((name) => name.startsWith('access-control-'));
const listOf = (header: string | undefined) => (header ?? '').split(',').map((v) => v.trim().toLowerCase()).filter(Boolean).sort();

function preflight(app: INestApplication, origin: string, requestHeaders = 'content-type, authorization') {
  return http(app)
    .options(`${API}/posts`)
    .set({ Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': requestHeaders });
}

type Handshake = { protocol: string | null; cipher: string } | { error: string };

/** One TLS handshake against 127.0.0.1:port; resolves with what was negotiated or the error code. */
function handshake(port: number, options: ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

/** The server said no: OpenSSL reports an alert received from the peer, not a local refusal to offer. */
const REFUSED_BY_SERVER = { error: expect.stringMatching(/^ERR_SSL_.*ALERT/) };

describe('API8 headers, CORS, transport and inventory', () => {
  describe('a test-profile app', () => {
    const app = useListeningApp({ ALLOWED_ORIGINS: ORIGIN });
    let user: TestUser;
    beforeAll(async () => {
      user = await createUser(app());
    });

    const answers: [number, string, () => PromiseLike<Response>][] = [
      [200, 'GET /users/me', () => http(app()).get(`${API}/users/me`).set(bearer(user.accessToken))],
      [400, 'a malformed post id', () => http(app()).get(`${API}/posts/not-a-uuid`).set(bearer(user.accessToken))],
      [401, 'no credentials', () => http(app()).get(`${API}/users/me`)],
      [404, 'an unknown path', () => http(app()).get('/nowhere/at/all')],
      [415, 'a text/plain body', () => http(app()).post(`${API}/auth/login`).set('Content-Type', 'text/plain').send('email=a')],
      [413, 'a body over the limit', () => http(app()).post(`${API}/auth/login`).type('json').send(oversizedJson(300_000))],
    ];

    it.each(answers)('HDR-01 a %i answer (%s) carries every security header', async (status, _what, send) => {
      const res = await send();
      expect(res.status).toBe(status);
      expectApiHeaders(res);
    });

    it.each(['/health/unknown', '/.well-known/unknown', '/docs-unknown', '/docsx'])(
      'HDR-01 an unknown path under a served root (%s) gets the JSON 404 with every security header',
      async (path) => {
        const res = await http(app()).get(path);
        expectError(res, 404, 'Not found');
        expectApiHeaders(res);
      },
    );

    it("HDR-01 /docs has its own CSP (scripts only from 'self', no framing); /docs-json keeps the API CSP", async () => {
      const page = await http(app()).get('/docs');
      expect(page.status).toBe(200);
      const csp = cspDirectives(page.headers['content-security-policy']);
      expect(csp).toMatchObject({ 'default-src': ["'none'"], 'script-src': ["'self'"], 'frame-ancestors': ["'none'"] });
      expect(page.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
      expectHsts(page.headers['strict-transport-security']);

      const json = await http(app()).get('/docs-json');
      expect(json.status).toBe(200);
      expectApiHeaders(json);
    });

    it.each(answers)('HDR-02 a %i answer (%s) has no X-Powered-By, no Server, no X-XSS-Protection other than 0', async (status, _what, send) => {
      const res = await send();
      expect(res.status).toBe(status);
      expectNoBanner(res);
    });

    it.each([`${API}/posts`, `${API}/auth/login`, '/health/live', '/'])('HDR-02 TRACE %s is 405 with the standard body, echoing nothing', async (path) => {
      const res = await http(app()).trace(path).set('Cookie', 'secret=s3cr3t').set(bearer(user.accessToken));
      expectError(res, 405, 'Method not allowed');
      expectApiHeaders(res);
      expect(res.text).not.toMatch(/s3cr3t|Bearer/);
    });

    it('HDR-02 TRACK is refused before any route runs and echoes nothing', async () => {
      // Node's HTTP parser does not know TRACK: it answers 400 itself. 405 would come from the app.
      const res = await call(app(), 'TRACK', `${API}/posts`, { token: 's3cr3t' });
      expect([400, 405]).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toMatch(/s3cr3t|TRACK/);
    });

    it.each(['https://evil.example', 'null', 'https://app.example.com.evil.example', 'http://app.example.com', 'https://app.example.com:8443', 'https://sub.app.example.com'])(
      'CORS-01 origin %s gets no Access-Control-* header, simple request or preflight',
      async (origin) => {
        const simple = await http(app()).get(`${API}/posts`).set(bearer(user.accessToken)).set('Origin', origin);
        expect(simple.status).toBe(200);
        expect(corsHeaderNames(simple)).toEqual([]);
        const pre = await preflight(app(), origin);
        expect(corsHeaderNames(pre)).toEqual([]);
      },
    );

    it('CORS-01 the allowed origin is echoed exactly, with credentials and Vary: Origin, and X-Total-Count exposed', async () => {
      const res = await http(app()).get(`${API}/posts`).set(bearer(user.accessToken)).set('Origin', ORIGIN);
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true' });
      expect(listOf(res.headers.vary)).toContain('origin');
      expect(listOf(res.headers['access-control-expose-headers'])).toContain('x-total-count');
    });

    it('CORS-01 a preflight from the allowed origin allows only the listed methods and headers, for a day', async () => {
      const res = await preflight(app(), ORIGIN, 'content-type, authorization, x-evil');
      expect(res.status).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-max-age': '86400',
      });
      expect(listOf(res.headers.vary)).toContain('origin');
      expect(listOf(res.headers['access-control-allow-methods'])).toEqual(['delete', 'get', 'patch', 'post', 'put']);
      expect(listOf(res.headers['access-control-allow-headers'])).toEqual(['authorization', 'content-type', 'if-match', 'x-api-key', 'x-request-id']);
    });

    it('CORS-01 never answers with a wildcard origin', async () => {
      const answersToCheck = [
        await http(app()).get('/health/live').set('Origin', ORIGIN),
        await http(app()).get('/health/live').set('Origin', 'https://evil.example'),
        await http(app()).get(`${API}/users/me`).set('Origin', ORIGIN),
        await preflight(app(), ORIGIN),
      ];
      for (const res of answersToCheck) expect(res.headers['access-control-allow-origin']).not.toBe('*');
    });
  });

  describe('a test-profile app with a register budget of 1', () => {
    const app = useTestApp({ RATE_LIMIT_REGISTER_PER_HOUR: '1', RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });

    it('HDR-01 a 429 answer carries every security header', async () => {
      await http(app()).post(`${API}/auth/register`).send({});
      const res = await http(app()).post(`${API}/auth/register`).send({});
      expect(res.status).toBe(429);
      expectApiHeaders(res);
      expectNoBanner(res);
    });
  });

  describe('a development app', () => {
    const app = useTestApp({ NODE_ENV: 'development' });

    it('HDR-01 sends no HSTS in development, the other headers still', async () => {
      const res = await http(app()).get('/health/live');
      expect(res.status).toBe(200);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers).toMatchObject({ 'x-frame-options': 'DENY', 'cache-control': 'no-store' });
      expect(cspDirectives(res.headers['content-security-policy'])).toEqual(API_CSP);
    });
  });

  describe('a production app behind a trusted TLS proxy', () => {
    const app = useTestApp({ ...PRODUCTION, TRUST_PROXY: '1' });

    it('TLS-01 plain HTTP API requests are refused with 403 HTTPS required', async () => {
      const get = await http(app()).get(`${API}/posts`);
      expectError(get, 403, 'HTTPS required');
      expectApiHeaders(get);
      expectError(await http(app()).post(`${API}/auth/login`).send({ email: 'a@example.com', password: 'x' }), 403, 'HTTPS required');
    });

    it('TLS-01 X-Forwarded-Proto: https from the trusted proxy passes the HTTPS check; health probes work over HTTP', async () => {
      expectError(await http(app()).get(`${API}/posts`).set(VIA_HTTPS), 401);
      expect((await http(app()).get('/health/live')).status).toBe(200);
    });

    it.each(['/docs', '/docs-json', '/.env', '/.git/HEAD', '/debug', `${API}/debug`, '/metrics', `${API}/metrics`, '/api', '/server-status'])(
      'INV-01 %s is not served in production',
      async (path) => {
        const res = await http(app()).get(path).set(VIA_HTTPS);
        expect(res.status).toBe(404);
        expect(res.text).not.toMatch(/swagger|openapi/i);
      },
    );

    it.each(['/docs', '/docs-json'])('HDR-01 %s with the docs off gets the JSON 404 with every security header', async (path) => {
      const res = await http(app()).get(path).set(VIA_HTTPS);
      expectError(res, 404, 'Not found');
      expectApiHeaders(res);
    });

    it('INV-01 protected API routes still require authentication in production', async () => {
      expectError(await http(app()).get(`${API}/users/me`).set(VIA_HTTPS), 401);
      expectError(await http(app()).get(`${API}/admin/users`).set(VIA_HTTPS), 401);
    });
  });

  describe('TLS-01 a production app with direct TLS', () => {
    let app: NestExpressApplication | undefined;
    let port: number;
    const dir = mkdtempSync(join(tmpdir(), 'tls-01-'));

    beforeAll(async () => {
      const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], {
        stdio: 'ignore',
      });
      const config = loadConfig({ ...process.env, ...PRODUCTION, TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).overrideProvider(AppConfig).useValue(config).compile();
      app = configureApp(moduleRef.createNestApplication<NestExpressApplication>(appOptions(config)), { shutdownHooks: false });
      await app.listen(0, '127.0.0.1');
      port = (app.getHttpServer().address() as AddressInfo).port;
    });
    afterAll(async () => {
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it.each<SecureVersion>(['TLSv1', 'TLSv1.1'])('TLS-01 %s is refused by the server', async (version) => {
      // SECLEVEL=0 lets this client offer the old protocol at all, so the refusal is the server's.
      expect(await handshake(port, { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' })).toEqual(REFUSED_BY_SERVER);
    });

    it.each<SecureVersion>(['TLSv1.2', 'TLSv1.3'])('TLS-01 %s is accepted', async (version) => {
      expect(await handshake(port, { minVersion: version, maxVersion: version })).toEqual({ protocol: version, cipher: expect.any(String) });
    });

    it('TLS-01 TLS 1.2 negotiates a forward-secret AEAD suite', async () => {
      const result = await handshake(port, { maxVersion: 'TLSv1.2' });
      expect(result).toEqual({ protocol: 'TLSv1.2', cipher: expect.stringMatching(/^ECDHE-(RSA|ECDSA)-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)$/) });
    });

    it.each(['AES128-SHA', 'ECDHE-RSA-AES128-SHA', 'AES256-SHA256', 'AES128-GCM-SHA256'])(
      'TLS-01 a TLS 1.2 client offering only the weak suite %s is refused',
      async (suite) => {
        expect(await handshake(port, { maxVersion: 'TLSv1.2', ciphers: `${suite}@SECLEVEL=0` })).toEqual(REFUSED_BY_SERVER);
      },
    );

    it('TLS-01 the production API answers over direct TLS, with HSTS', async () => {
      const res = await request(`https://127.0.0.1:${port}`).get(`${API}/posts`).disableTLSCerts();
      expectError(res, 401);
      expectApiHeaders(res);
    });
  });
});
