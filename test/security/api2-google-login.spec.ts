/**
 * OWASP API2 (broken authentication), Google sign-in: checklist section D (OA-01..OA-07).
 * Black-box against the real app and PostgreSQL, with a local OIDC provider (oauth2-mock-server)
 * whose token endpoint sits behind a relay the tests control: it passes answers through, or hangs,
 * answers garbage, or re-signs the ID token with a key the provider never published.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { OAuth2Server } from 'oauth2-mock-server';
import { generateSync } from 'otplib';
import request, { type Response } from 'supertest';
import { createTestApp } from '../setup/create-test-app.js';
import { GOOGLE_CALLBACK, GOOGLE_CLIENT, GOOGLE_FRONTEND, googleSettings, startGoogleProvider } from '../setup/google-provider.js';
import { Role } from '../../src/generated/prisma/enums.js';
import { API, bearer, createUser, strongPassword, uniqueEmail, waitForMail, type TestUser } from '../setup/factories.js';
import { ALL_SCOPES, createApiKey, enableMfa as enableMfaFor } from './support/auth-flows.js';
import { prismaOf } from './support/authz.js';

const FRONTEND = GOOGLE_FRONTEND;
const OTHER_FRONTEND = 'https://admin.example.com';
const CLIENT_ID = GOOGLE_CLIENT;
const TIMEOUT_MS = 1500;
const FLOW_COOKIE = '__Host-oauth_google';
const REFRESH_COOKIE = '__Host-refresh_token';
const MFA_COOKIE = '__Host-mfa_challenge';
const GENERIC_ERRORS = ['Google sign-in failed', 'Sign-in provider error', 'Sign-in provider did not answer in time'];

type Claims = Record<string, unknown>;
type TokenEndpoint = (form: string, res: ServerResponse) => Promise<void> | void;

const newIdentity = (over: Claims = {}): Claims => ({ sub: randomUUID(), email: uniqueEmail('google'), email_verified: true, ...over });
const nowSeconds = () => Math.floor(Date.now() / 1000);

const setCookies = (res: Response) => res.get('Set-Cookie') ?? [];
const cookieOf = (res: Response, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`));
/** The `name=value` part a browser sends back. */
const pairOf = (cookie: string | undefined) => (cookie ?? '').split(';')[0] ?? '';
const attributesOf = (cookie: string | undefined) => (cookie ?? '').split(';').slice(1).map((a) => a.trim().toLowerCase());

/** HttpOnly, Secure, Path=/ and no Domain: what `__Host-` demands, and scripts cannot read it. */
function expectHostCookie(cookie: string | undefined, name: string): void {
  expect(cookie?.startsWith(`${name}=`)).toBe(true);
  const attributes = attributesOf(cookie);
  expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'path=/']));
  expect(attributes.filter((a) => a.startsWith('domain='))).toEqual([]);
}

/** No refresh or challenge cookie with a value, and no token in the body. */
function expectNoSession(res: Response): void {
  expect(setCookies(res).filter((c) => /^__Host-(refresh_token|mfa_challenge)=[^;]/.test(c))).toEqual([]);
  expect(JSON.stringify(res.body ?? {})).not.toMatch(/eyJ|accessToken|refreshToken|mfaToken/);
}

/** Refused with one of `statuses`, the standard error body and nothing of what the provider said. */
function expectRefused(res: Response, statuses: number[]): void {
  expect(statuses).toContain(res.status);
  expect(res.body).toEqual({ error: expect.any(String), requestId: expect.any(String) });
  expect(GENERIC_ERRORS).toContain(res.body.error);
  expectNoSession(res);
}

/** A front-end URL a token never rides in: no JWT, no token-like parameter, no fragment. */
function expectNoTokenInUrl(location: string): void {
  const url = new URL(location);
  expect(location).not.toMatch(/eyJ/);
  expect(url.hash).toBe('');
  expect([...url.searchParams.keys()].filter((key) => /token|access|refresh|code/i.test(key))).toEqual([]);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}

/** A TOTP code for a step relative to now (an earlier call may have spent the current one). */
const codeAt = (secret: string, offsetSteps = 0) => generateSync({ secret, epoch: nowSeconds() + offsetSteps * 30 });

describe('API2 Google sign-in (security)', () => {
  const provider = new OAuth2Server();
  const relayServer = createServer((req, res) => {
    void readBody(req)
      .then((form) => tokenEndpoint(form, res))
      .catch((err: Error) => res.destroy(err));
  });
  let app: NestExpressApplication;
  let issuer: string;
  let attackerKey: CryptoKey;
  /** Claims the provider puts in its next tokens (over its own defaults). */
  let claims: Claims = {};
  /** The settings that point the app at the local provider. */
  let googleEnv: Record<string, string> = {};

  /** The honest provider: the mock's token endpoint, the ID token optionally rewritten on the way. */
  const relay =
    (rewriteIdToken?: (jwt: string) => Promise<string> | string): TokenEndpoint =>
    async (form, res) => {
      const upstream = await fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      const body = (await upstream.json()) as Claims;
      if (rewriteIdToken && typeof body.id_token === 'string') body.id_token = await rewriteIdToken(body.id_token);
      send(res, upstream.status, 'application/json', JSON.stringify(body));
    };
  let tokenEndpoint: TokenEndpoint = relay();

  beforeAll(async () => {
    attackerKey = (await generateKeyPair('RS256')).privateKey;
    issuer = await startGoogleProvider(provider, () => claims);
    await new Promise<void>((resolve) => relayServer.listen(0, '127.0.0.1', resolve));
    const { port } = relayServer.address() as AddressInfo;
    // The token endpoint goes through a relay the tests can slow down or break.
    googleEnv = googleSettings(issuer, {
      GOOGLE_TOKEN_URL: `http://127.0.0.1:${port}/token`,
      GOOGLE_TIMEOUT_MS: String(TIMEOUT_MS),
      ALLOWED_ORIGINS: `${FRONTEND},${OTHER_FRONTEND}`,
    });
    app = await createTestApp(googleEnv);
  });
  afterEach(() => {
    claims = {};
    tokenEndpoint = relay();
  });
  afterAll(async () => {
    relayServer.closeAllConnections();
    await new Promise((resolve) => relayServer.close(resolve));
    await app.close();
    await provider.stop();
  });

  const http = () => request(app.getHttpServer());

  /** The browser's first legs: our start, then the provider's redirect back with code and state. */
  async function startFlow(returnTo?: string) {
    const start = await http()
      .get(`${API}/auth/google`)
      .query(returnTo === undefined ? {} : { returnTo });
    expect(start.status).toBe(302);
    const atProvider = await fetch(start.headers.location ?? '', { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location') ?? '');
    return { start, cookie: pairOf(cookieOf(start, FLOW_COOKIE)), query: back.searchParams };
  }

  const callback = (query: URLSearchParams, cookie?: string) => {
    const req = http().get(`${API}/auth/google/callback?${query.toString()}`);
    return cookie ? req.set('Cookie', cookie) : req;
  };

  /** The whole dance for the identity the provider will assert. */
  async function signInAs(identity: Claims, returnTo?: string): Promise<Response> {
    claims = identity;
    const flow = await startFlow(returnTo);
    return callback(flow.query, flow.cookie);
  }

  /** Who the callback's refresh cookie logs in, as the front end would find out. */
  async function userBehind(res: Response): Promise<{ id: string; email: string }> {
    expect(res.status).toBe(302);
    const tokens = await http().post(`${API}/auth/refresh`).set('Cookie', pairOf(cookieOf(res, REFRESH_COOKIE))).set('Origin', FRONTEND).send({});
    expect(tokens.status).toBe(200);
    const me = await http().get(`${API}/users/me`).set(bearer(tokens.body.accessToken));
    expect(me.status).toBe(200);
    return me.body;
  }

  async function sessionIds(user: TestUser): Promise<string[]> {
    const res = await http().get(`${API}/auth/sessions`).set(bearer(user.accessToken));
    expect(res.status).toBe(200);
    return (res.body as { id: string }[]).map((s) => s.id).sort();
  }

  async function enableMfa(user: TestUser): Promise<string> {
    const setup = await http().post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
    const secret = new URL(setup.body.otpauthUrl).searchParams.get('secret') ?? '';
    const enable = await http().post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code: codeAt(secret, -1) });
    expect(enable.status).toBe(200);
    return secret;
  }

  it('OA-01 redirects with code flow, the exact redirect_uri, a fresh state, PKCE S256 and a nonce, bound by a __Host- cookie', async () => {
    const starts = await Promise.all([1, 2, 3].map(() => http().get(`${API}/auth/google`)));
    const params = starts.map((start) => {
      expect(start.status).toBe(302);
      const url = new URL(start.headers.location ?? '');
      expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/authorize`);
      return url.searchParams;
    });
    for (const p of params) {
      expect(p.get('response_type')).toBe('code');
      expect(p.get('redirect_uri')).toBe(GOOGLE_CALLBACK);
      expect(p.get('client_id')).toBe(CLIENT_ID);
      expect(p.get('scope')?.split(' ')).toContain('openid');
      // 22 base64url characters carry 132 bits.
      expect(p.get('state')).toMatch(/^[\w-]{22,}$/);
      expect(p.get('code_challenge_method')).toBe('S256');
      expect(p.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(p.get('nonce')).toMatch(/^[\w-]{22,}$/);
    }
    for (const name of ['state', 'code_challenge', 'nonce']) expect(new Set(params.map((p) => p.get(name))).size).toBe(3);
    for (const [i, start] of starts.entries()) {
      const cookie = cookieOf(start, FLOW_COOKIE);
      expectHostCookie(cookie, FLOW_COOKIE);
      // Lax, not Strict: the callback arrives as a top-level navigation from the provider.
      expect(attributesOf(cookie)).toContain('samesite=lax');
      // Sealed: neither the state nor the nonce can be read from it.
      expect(cookie).not.toContain(params[i]?.get('state'));
      expect(cookie).not.toContain(params[i]?.get('nonce'));
    }
  });

  it('OA-02 refuses a callback with a missing or foreign state, or without its flow cookie, then accepts the real one', async () => {
    claims = newIdentity();
    const mine = await startFlow();
    const theirs = await startFlow();
    const without = (name: string) => {
      const query = new URLSearchParams(mine.query);
      query.delete(name);
      return query;
    };
    expectRefused(await callback(without('state'), mine.cookie), [400, 401]);
    expectRefused(await callback(theirs.query, mine.cookie), [400, 401]);
    expectRefused(await callback(mine.query, theirs.cookie), [400, 401]);
    expectRefused(await callback(mine.query), [400, 401]);
    const real = await callback(mine.query, mine.cookie);
    expect(real.status).toBe(302);
    expect(cookieOf(real, REFRESH_COOKIE)).toBeDefined();
  });

  it('OA-02 refuses a replayed callback (same state, code and cookie)', async () => {
    claims = newIdentity();
    const flow = await startFlow();
    expect((await callback(flow.query, flow.cookie)).status).toBe(302);
    expectRefused(await callback(flow.query, flow.cookie), [400, 401]);
  });

  it('OA-02 refuses a callback with a missing code', async () => {
    claims = newIdentity();
    const flow = await startFlow();
    const query = new URLSearchParams(flow.query);
    query.delete('code');
    expectRefused(await callback(query, flow.cookie), [400, 401]);
  });

  it('OA-02 refuses a callback with a bogus code', async () => {
    claims = newIdentity();
    const flow = await startFlow();
    const query = new URLSearchParams(flow.query);
    query.set('code', randomUUID());
    expectRefused(await callback(query, flow.cookie), [400, 401]);
  });

  it('OA-03 redirects to FRONTEND_URL + returnTo with no token in the query or fragment', async () => {
    const res = await signInAs(newIdentity(), '/dashboard?tab=posts');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${FRONTEND}/dashboard?tab=posts`);
    expectNoTokenInUrl(res.headers.location ?? '');
    const refresh = pairOf(cookieOf(res, REFRESH_COOKIE)).split('=')[1] ?? '';
    expect(refresh.length).toBeGreaterThan(20);
    expect(res.headers.location).not.toContain(refresh);
    expect(res.text ?? '').not.toContain(refresh);
  });

  describe('OA-04 ID tokens and providers that cannot be trusted', () => {
    let victim: Claims;
    beforeAll(async () => {
      victim = newIdentity();
      expect((await signInAs(victim)).status).toBe(302);
    });

    it.each([
      ['a wrong audience', { aud: 'another-client' }],
      ['an audience list without us', { aud: ['another-client', 'third-client'] }],
      ['a wrong issuer', { iss: 'https://evil.example' }],
      ['an expired token', { iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }],
      ['a nonce of another flow', { nonce: 'bm90LXRoZS1mbG93cy1ub25jZQ' }],
      ['no nonce', { nonce: undefined }],
    ])('OA-04 refuses an ID token with %s', async (_case, override) => {
      const started = Date.now();
      const res = await signInAs({ ...victim, ...override });
      expectRefused(res, [401]);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('OA-04 refuses an ID token signed with a key the provider never published, or altered after signing', async () => {
      claims = victim;
      tokenEndpoint = relay(async (jwt) => new SignJWT(decodeJwt(jwt)).setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(jwt).kid }).sign(attackerKey));
      expectRefused(await callback(...(await flowParts())), [401]);

      claims = newIdentity();
      tokenEndpoint = relay((jwt) => {
        const [header, , signature] = jwt.split('.');
        const altered = Buffer.from(JSON.stringify({ ...decodeJwt(jwt), sub: victim.sub, email: victim.email })).toString('base64url');
        return `${header}.${altered}.${signature}`;
      });
      expectRefused(await callback(...(await flowParts())), [401]);
    });

    it('OA-04 cuts off a provider that never answers, with 504 and a generic error, within the timeout', async () => {
      tokenEndpoint = () => undefined;
      const started = Date.now();
      const res = await callback(...(await flowParts()));
      const elapsed = Date.now() - started;
      expectRefused(res, [504]);
      expect(res.body.error).toBe('Sign-in provider did not answer in time');
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 3000);
    });

    it.each<[string, TokenEndpoint]>([
      ['an HTML page', (_form, res) => send(res, 200, 'text/html', '<html><body>Service unavailable</body></html>')],
      ['an HTML error page', (_form, res) => send(res, 500, 'text/html', '<html><body>Internal error at 10.0.0.7</body></html>')],
      ['truncated JSON', (_form, res) => send(res, 200, 'application/json', '{"access_token": "abc", "id_token": "eyJ')],
      ['JSON of the wrong types', (_form, res) => send(res, 200, 'application/json', '{"access_token": 42, "id_token": {"alg": "none"}}')],
      ['a token that is no JWT', (_form, res) => send(res, 200, 'application/json', '{"access_token": "abc", "id_token": "not.a.jwt"}')],
      ['JSON null', (_form, res) => send(res, 200, 'application/json', 'null')],
    ])('OA-04 answers 401 or 502, never 500, when the token endpoint returns %s', async (_case, endpoint) => {
      tokenEndpoint = endpoint;
      const res = await callback(...(await flowParts()));
      expectRefused(res, [401, 502]);
      expect(res.text).not.toMatch(/10\.0\.0\.7|html|access_token|TypeError/i);
    });

    /** A started flow, as the arguments of callback(). */
    async function flowParts(): Promise<[URLSearchParams, string]> {
      const flow = await startFlow();
      return [flow.query, flow.cookie];
    }
  });

  it('OA-05 the same subject with a changed email signs into the same account', async () => {
    const identity = newIdentity();
    const first = await userBehind(await signInAs(identity));
    const other = await createUser(app);
    expect((await userBehind(await signInAs({ ...identity, email: uniqueEmail('renamed') }))).id).toBe(first.id);
    // Even an address that now belongs to someone else: the subject decides, not the email.
    expect((await userBehind(await signInAs({ ...identity, email: other.email }))).id).toBe(first.id);
  });

  it('OA-05 an unverified email of an existing user does not get into that account', async () => {
    const user = await createUser(app);
    const before = await sessionIds(user);
    const attacker = newIdentity({ email: user.email });
    for (const emailVerified of [false, 'false', undefined]) {
      const res = await signInAs({ ...attacker, email_verified: emailVerified });
      expect(res.status).toBe(403);
      expectNoSession(res);
      expect(res.headers.location).toBeUndefined();
    }
    expect(await sessionIds(user)).toEqual(before);
  });

  it('OA-05 a different subject with the same verified email links to the existing user', async () => {
    const user = await createUser(app);
    expect((await userBehind(await signInAs(newIdentity({ email: user.email.toUpperCase() })))).id).toBe(user.id);
    expect((await userBehind(await signInAs(newIdentity({ email: user.email })))).id).toBe(user.id);
  });

  describe('OA-06 returnTo', () => {
    const identity = newIdentity();

    it.each([
      'https://evil.example',
      'https://evil.example/login',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/%2F%2Fevil.example',
      'javascript:alert(1)',
      'https://app.example.com.evil.example/',
      'https://app.example.com@evil.example/',
      'http://app.example.com/',
      ' https://evil.example',
    ])('OA-06 returnTo=%j is ignored: the final redirect stays on FRONTEND_URL', async (returnTo) => {
      const res = await signInAs(identity, returnTo);
      expect(res.status).toBe(302);
      expect(new URL(res.headers.location ?? '').origin).toBe(FRONTEND);
    });

    it.each([
      ['/posts/42?view=full', `${FRONTEND}/posts/42?view=full`],
      [`${FRONTEND}/settings`, `${FRONTEND}/settings`],
      [`${OTHER_FRONTEND}/reports`, `${OTHER_FRONTEND}/reports`],
      [undefined, `${FRONTEND}/`],
    ])('OA-06 returnTo=%j (a path or an allowed origin) is honoured', async (returnTo, expected) => {
      const res = await signInAs(identity, returnTo);
      expect(res.headers.location).toBe(expected);
    });
  });

  it('OA-07 a user with MFA on gets a challenge cookie, no session, and finishes with a TOTP code', async () => {
    const user = await createUser(app);
    const secret = await enableMfa(user);
    const res = await signInAs(newIdentity({ email: user.email }), '/dashboard');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${FRONTEND}/login/mfa`);
    expectNoTokenInUrl(res.headers.location ?? '');
    expect(cookieOf(res, REFRESH_COOKIE)).toBeUndefined();
    const challenge = cookieOf(res, MFA_COOKIE);
    expectHostCookie(challenge, MFA_COOKIE);
    // The challenge is no credential by itself.
    const challengeValue = pairOf(challenge).slice(MFA_COOKIE.length + 1);
    expect((await http().get(`${API}/users/me`).set(bearer(challengeValue))).status).toBe(401);

    const done = await http().post(`${API}/auth/mfa/verify`).set('Cookie', pairOf(challenge)).set('Origin', FRONTEND).send({ code: codeAt(secret) });
    expect(done.status).toBe(200);
    expect(done.body).toEqual(expect.objectContaining({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer' }));
    const me = await http().get(`${API}/users/me`).set(bearer(done.body.accessToken));
    expect(me.body.id).toBe(user.id);
  });

  /**
   * ACCT-02, pre-account hijacking (Sudhodanan and Paverd, USENIX Security 2022, "classic-federated
   * merge"): an attacker registers the victim's address with a password of their own before the
   * victim ever signs in with Google. The victim's verified Google identity must claim the account
   * clean, so nothing the attacker set up survives.
   */
  describe('ACCT-02 pre-account hijacking', () => {
    const audited = async (type: string, userId: string) => {
      for (let i = 0; i < 50; i++) {
        const rows = await prismaOf(app).auditEvent.findMany({ where: { type, userId } });
        if (rows.length > 0) return rows;
        await new Promise((r) => setTimeout(r, 20));
      }
      return [];
    };

    it('ACCT-02 the attacker cannot even sign in before verification, and the victim claims the account through Google', async () => {
      const victim = uniqueEmail('victim');
      const attackerPassword = strongPassword();
      expect((await http().post(`${API}/auth/register`).send({ email: victim, password: attackerPassword, name: 'Attacker' })).status).toBe(202);
      await waitForMail(app, victim, '/verify-email#token=');
      expect((await http().post(`${API}/auth/login`).send({ email: victim, password: attackerPassword })).status).toBe(403);

      const res = await signInAs(newIdentity({ email: victim, name: 'Victim' }));
      const me = await userBehind(res);
      expect(me).toMatchObject({ email: victim, name: 'Victim', emailVerified: true });
      expect((await http().post(`${API}/auth/login`).send({ email: victim, password: attackerPassword })).body).toEqual({ error: 'Invalid credentials', requestId: expect.any(String) });
      expect(await audited('ACCOUNT_CLAIMED', me.id)).toHaveLength(1);
    });

    it('ACCT-02 a verified local account is linked, not claimed: its password keeps working and the owner is told', async () => {
      const user = await createUser(app);
      const res = await signInAs(newIdentity({ email: user.email }));
      expect((await userBehind(res)).id).toBe(user.id);
      expect((await http().post(`${API}/auth/login`).send({ email: user.email, password: user.password })).status).toBe(200);
      expect((await http().get(`${API}/users/me`).set(bearer(user.accessToken))).status).toBe(200);
      await waitForMail(app, user.email, 'can now be signed in to with Google');
      expect(await audited('OAUTH_LINKED', user.id)).toHaveLength(1);
      expect(await prismaOf(app).auditEvent.count({ where: { type: 'ACCOUNT_CLAIMED', userId: user.id } })).toBe(0);
    });

    // Last in the file: passport's strategies are process-wide, so the app booted here takes over
    // the 'google' strategy, and no test of the first app may sign in through Google after it.
    describe('where unverified accounts may sign in (REQUIRE_EMAIL_VERIFICATION=false)', () => {
      let strict: NestExpressApplication;
      beforeAll(async () => {
        strict = app;
        app = await createTestApp({ ...googleEnv, REQUIRE_EMAIL_VERIFICATION: 'false' });
      });
      afterAll(async () => {
        await app.close();
        app = strict;
      });

      it("ACCT-02 after the victim's Google sign-in, the attacker's password, access token, refresh token, API key, MFA and reset link all fail", async () => {
        const email = uniqueEmail('victim');
        const password = strongPassword();
        expect((await http().post(`${API}/auth/register`).send({ email, password, name: 'Attacker' })).status).toBe(202);
        await waitForMail(app, email, '/verify-email#token=');
        const login = await http().post(`${API}/auth/login`).send({ email, password });
        expect(login.status).toBe(200);
        const attacker: TestUser = { id: '', email, password, name: 'Attacker', role: Role.user, accessToken: login.body.accessToken, refreshToken: login.body.refreshToken };
        const key = await createApiKey(app, attacker, ALL_SCOPES);
        const { secret } = await enableMfaFor(app, attacker);
        await http().post(`${API}/auth/forgot-password`).send({ email });
        const { token: resetToken } = await waitForMail(app, email, '/reset-password#token=');
        const refreshed = await http().post(`${API}/auth/refresh`).send({ refreshToken: attacker.refreshToken });
        expect(refreshed.status).toBe(200);

        const res = await signInAs(newIdentity({ email, name: 'Victim' }));
        const me = await userBehind(res); // the victim is signed in, with no MFA prompt from the attacker's secret
        expect(me).toMatchObject({ email, name: 'Victim' });

        expect((await http().get(`${API}/users/me`).set(bearer(attacker.accessToken))).status).toBe(401);
        expect((await http().get(`${API}/users/me`).set(bearer(refreshed.body.accessToken))).status).toBe(401);
        expect((await http().post(`${API}/auth/refresh`).send({ refreshToken: refreshed.body.refreshToken })).status).toBe(401);
        expect((await http().get(`${API}/users/me`).set('X-API-Key', key.key)).status).toBe(401);
        expect((await http().post(`${API}/auth/login`).send({ email, password })).status).toBe(401);
        expect((await http().post(`${API}/auth/reset-password`).send({ token: resetToken, password: strongPassword() })).status).toBe(400);
        const row = await prismaOf(app).user.findUniqueOrThrow({ where: { email } });
        expect({ passwordHash: row.passwordHash, mfaEnabled: row.mfaEnabled, verified: row.emailVerifiedAt !== null }).toEqual({ passwordHash: null, mfaEnabled: false, verified: true });
        expect(await prismaOf(app).mfaSecret.count({ where: { userId: row.id } })).toBe(0);
        expect(secret).not.toBe('');
        expect(await audited('ACCOUNT_CLAIMED', row.id)).toHaveLength(1);
      });
    });
  });
});
