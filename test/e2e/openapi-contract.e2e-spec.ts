import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { OAuth2Server } from 'oauth2-mock-server';
import request from 'supertest';
import { Role } from '../../src/generated/prisma/enums.js';
import { MailService } from '../../src/modules/mail/mail.service.js';
import { awayFromStepEdge, createApiKey, enableMfa, secretOf, totp, wrongCode, type CreatedApiKey, type MfaEnrollment } from '../security/support/auth-flows.js';
import { uniqueKeyPrefix } from '../security/support/live-app.js';
import { createTestApp } from '../setup/create-test-app.js';
import { GOOGLE_FRONTEND, googleSettings, startGoogleProvider } from '../setup/google-provider.js';
import { API, bearer, createPost, createUser, registerVerified, strongPassword, uniqueEmail, waitForMail, type TestUser } from '../setup/factories.js';
import { ContractChecker, operationIds, type Answer, type OpenApiDocument } from './support/openapi-contract.js';

/**
 * Issue 14: the OpenAPI document served at /docs-json can be trusted by a generated client. Every
 * operation it lists gets valid calls (real credentials of the right kind) and invalid ones, and
 * each answer must be declared for its status, of a declared content type, and its JSON body must
 * validate against the declared schema. A route added without a case here fails the test.
 */

const FRONTEND = GOOGLE_FRONTEND;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/**
 * One call of an operation: what it is, the status it must get, how to send it, and the operation
 * it is checked against when it is another one (a step another case needs, checked on the way).
 */
type Call = [label: string, status: number, send: () => PromiseLike<Answer>, checkedAs?: string];

/** What the calls use, made once in beforeAll. */
type Fixtures = {
  owner: TestUser;
  other: TestUser;
  admin: TestUser;
  ownerKey: CreatedApiKey;
  /** A key without `profile:read`, `posts:write` or `comments:write`. */
  readOnlyKey: CreatedApiKey;
  published: { id: string };
  draft: { id: string };
  commentId: string;
  targetId: string;
};

describe('The OpenAPI document matches every answer (e2e)', () => {
  const provider = new OAuth2Server();
  let app: NestExpressApplication;
  /** The same app without Google configured (its sign-in routes answer 404), booted by the Google case. */
  let withoutGoogle: NestExpressApplication | undefined;
  let checker: ContractChecker;
  let document: OpenApiDocument;
  const f = {} as Fixtures;
  /** The user the MFA verify case enrols, whom the disable case then uses. */
  let mfa: MfaEnrollment;
  let mfaUser: TestUser;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const issuer = await startGoogleProvider(provider, () => ({ sub: randomUUID(), email: uniqueEmail('google'), email_verified: true }));
    app = await createTestApp(googleSettings(issuer, { RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() }));
    const docs = await http().get('/docs-json');
    expect(docs.status).toBe(200);
    document = docs.body as OpenApiDocument;
    checker = new ContractChecker(document);

    [f.owner, f.other, f.admin] = await Promise.all([createUser(app), createUser(app), createUser(app, Role.admin)]);
    f.targetId = await registerVerified(app, uniqueEmail('target'), strongPassword(), 'Target');
    [f.ownerKey, f.readOnlyKey, f.published, f.draft] = await Promise.all([
      createApiKey(app, f.owner),
      createApiKey(app, f.owner, ['posts:read']),
      createPost(app, f.owner, { isPublished: true }),
      createPost(app, f.owner, { isPublished: false }),
    ]);
    const comment = await http().post(`${API}/posts/${f.published.id}/comments`).set(bearer(f.owner.accessToken)).send({ content: 'A comment' });
    expect(comment.status).toBe(201);
    f.commentId = comment.body.id as string;
  });

  afterAll(async () => {
    await app?.close();
    await withoutGoogle?.close();
    await provider.stop();
  });

  const as = (user: TestUser) => bearer(user.accessToken);
  const key = (k: CreatedApiKey) => ({ 'X-API-Key': k.key });

  /** A fresh signed-in user, for calls that end sessions, change secrets or delete the account. */
  const disposable = () => createUser(app);

  /** A second session of `user`: its tokens and its session id. */
  async function secondSession(user: TestUser) {
    const res = await http().post(`${API}/auth/login`).send({ email: user.email, password: user.password });
    const sessions = await http().get(`${API}/auth/sessions`).set(bearer(res.body.accessToken as string));
    const current = (sessions.body as { id: string; current: boolean }[]).find((s) => s.current);
    return { accessToken: res.body.accessToken as string, refreshToken: res.body.refreshToken as string, sessionId: current?.id ?? '' };
  }

  /** The browser's part of a Google sign-in up to our callback: its query and the flow cookie. */
  async function googleCallbackRequest() {
    const start = await http().get(`${API}/auth/google`).query({ returnTo: '/dashboard' });
    const flowCookie = ((start.headers['set-cookie'] as unknown as string[]) ?? []).find((c) => c.startsWith('__Host-oauth_google=')) ?? '';
    const atProvider = await fetch(start.headers.location ?? '', { redirect: 'manual' });
    return { search: new URL(atProvider.headers.get('location') ?? '').search, cookie: flowCookie.split(';')[0] ?? '' };
  }

  async function mailedToken(email: string, marker: string): Promise<string> {
    const { token } = await waitForMail(app, email, marker);
    return token ?? '';
  }

  const post = (title = 'Contract post') => createPost(app, f.owner, { title, isPublished: true });

  /** Every operation of the document: its calls, in order. Success comes first where a later call depends on state. */
  const CASES: Record<string, () => Call[] | Promise<Call[]>> = {
    'GET /api/v1/admin/audit-events': () => [
      ['admin lists events', 200, () => http().get(`${API}/admin/audit-events`).query({ limit: 5 }).set(as(f.admin))],
      ['a user', 403, () => http().get(`${API}/admin/audit-events`).set(as(f.owner))],
      ['no credentials', 401, () => http().get(`${API}/admin/audit-events`)],
      ['an unknown type', 400, () => http().get(`${API}/admin/audit-events`).query({ type: 'NOPE' }).set(as(f.admin))],
    ],
    'POST /api/v1/auth/register': () => [
      ['a new address', 202, () => http().post(`${API}/auth/register`).send({ email: uniqueEmail('reg'), password: strongPassword(), name: 'New' })],
      ['no password', 400, () => http().post(`${API}/auth/register`).send({ email: uniqueEmail('reg'), name: 'New' })],
      ['malformed JSON', 400, () => http().post(`${API}/auth/register`).set('Content-Type', 'application/json').send('{"email":')],
      ['a form body', 415, () => http().post(`${API}/auth/register`).set('Content-Type', 'application/x-www-form-urlencoded').send('email=a%40b.c')],
    ],
    'POST /api/v1/auth/login': async () => {
      const unverified = { email: uniqueEmail('unverified'), password: strongPassword() };
      await http().post(`${API}/auth/register`).send({ ...unverified, name: 'Unverified' });
      return [
        ['the right password', 200, () => http().post(`${API}/auth/login`).send({ email: f.other.email, password: f.other.password })],
        ['a wrong password', 401, () => http().post(`${API}/auth/login`).send({ email: f.other.email, password: 'not the password' })],
        ['an unverified address', 403, () => http().post(`${API}/auth/login`).send(unverified)],
        ['no email', 400, () => http().post(`${API}/auth/login`).send({ password: 'x' })],
      ];
    },
    'POST /api/v1/auth/refresh': async () => {
      const session = await secondSession(f.other);
      const cookieSession = await http().post(`${API}/auth/login`).send({ email: f.other.email, password: f.other.password });
      const cookie = ((cookieSession.headers['set-cookie'] as unknown as string[]) ?? []).find((c) => c.startsWith('__Host-refresh_token='))?.split(';')[0] ?? '';
      return [
        ['a refresh token in the body', 200, () => http().post(`${API}/auth/refresh`).send({ refreshToken: session.refreshToken })],
        ['the cookie, same origin', 200, () => http().post(`${API}/auth/refresh`).set('Cookie', cookie).set('Origin', FRONTEND).send({})],
        ['an unknown token', 401, () => http().post(`${API}/auth/refresh`).send({ refreshToken: 'x'.repeat(43) })],
        ['a cross-site cookie refresh', 403, () => http().post(`${API}/auth/refresh`).set('Cookie', cookie).set('Origin', 'https://evil.example').send({})],
        ['a too short token', 400, () => http().post(`${API}/auth/refresh`).send({ refreshToken: 'short' })],
      ];
    },
    'POST /api/v1/auth/logout': async () => {
      const session = await secondSession(f.other);
      return [
        ['a session', 204, () => http().post(`${API}/auth/logout`).set(bearer(session.accessToken))],
        ['that session again', 401, () => http().post(`${API}/auth/logout`).set(bearer(session.accessToken))],
        ['an API key', 403, () => http().post(`${API}/auth/logout`).set(key(f.ownerKey))],
      ];
    },
    'POST /api/v1/auth/logout-all': async () => {
      const user = await disposable();
      return [
        ['every session', 204, () => http().post(`${API}/auth/logout-all`).set(as(user))],
        ['a revoked session', 401, () => http().post(`${API}/auth/logout-all`).set(as(user))],
      ];
    },
    'POST /api/v1/auth/verify-email': async () => {
      const email = uniqueEmail('verify');
      await http().post(`${API}/auth/register`).send({ email, password: strongPassword(), name: 'Verify' });
      const token = await mailedToken(email, '/verify-email#token=');
      return [
        ['the mailed token', 204, () => http().post(`${API}/auth/verify-email`).send({ token })],
        ['the token again', 400, () => http().post(`${API}/auth/verify-email`).send({ token })],
        ['no token', 400, () => http().post(`${API}/auth/verify-email`).send({})],
      ];
    },
    'POST /api/v1/auth/verify-email/resend': () => [
      ['an address', 202, () => http().post(`${API}/auth/verify-email/resend`).send({ email: uniqueEmail('resend') })],
      ['not an address', 400, () => http().post(`${API}/auth/verify-email/resend`).send({ email: 'nope' })],
    ],
    'GET /api/v1/auth/sessions': () => [
      ['a user', 200, () => http().get(`${API}/auth/sessions`).set(as(f.owner))],
      ['an API key', 403, () => http().get(`${API}/auth/sessions`).set(key(f.ownerKey))],
      ['a forged token', 401, () => http().get(`${API}/auth/sessions`).set(bearer('e30.e30.e30'))],
    ],
    'DELETE /api/v1/auth/sessions/{id}': async () => {
      const session = await secondSession(f.owner);
      return [
        ['one of the caller\'s sessions', 204, () => http().delete(`${API}/auth/sessions/${session.sessionId}`).set(as(f.owner))],
        ['an unknown session', 404, () => http().delete(`${API}/auth/sessions/${UNKNOWN}`).set(as(f.owner))],
        ['not a UUID', 400, () => http().delete(`${API}/auth/sessions/nope`).set(as(f.owner))],
      ];
    },
    'DELETE /api/v1/admin/users/{id}/sessions': () => [
      ['admin revokes a user\'s sessions', 204, () => http().delete(`${API}/admin/users/${f.targetId}/sessions`).set(as(f.admin))],
      ['a user', 403, () => http().delete(`${API}/admin/users/${f.targetId}/sessions`).set(as(f.owner))],
      ['not a UUID', 400, () => http().delete(`${API}/admin/users/nope/sessions`).set(as(f.admin))],
    ],
    'GET /.well-known/jwks.json': () => [['the key set', 200, () => http().get('/.well-known/jwks.json')]],
    'POST /api/v1/auth/forgot-password': () => [
      ['an address', 202, () => http().post(`${API}/auth/forgot-password`).send({ email: uniqueEmail('forgot') })],
      ['not an address', 400, () => http().post(`${API}/auth/forgot-password`).send({ email: 42 })],
    ],
    'POST /api/v1/auth/reset-password': async () => {
      const email = uniqueEmail('reset');
      await registerVerified(app, email, strongPassword(), 'Reset');
      const before = app.get(MailService).outbox.length;
      await http().post(`${API}/auth/forgot-password`).send({ email });
      const { token } = await waitForMail(app, email, '/reset-password#token=', before);
      return [
        ['a too short password', 400, () => http().post(`${API}/auth/reset-password`).send({ token, password: 'short' })],
        ['the mailed token', 204, () => http().post(`${API}/auth/reset-password`).send({ token, password: strongPassword() })],
        ['the token again', 400, () => http().post(`${API}/auth/reset-password`).send({ token, password: strongPassword() })],
      ];
    },
    'PATCH /api/v1/users/me/password': async () => {
      const user = await disposable();
      return [
        ['a wrong current password', 401, () => http().patch(`${API}/users/me/password`).set(as(user)).send({ currentPassword: 'wrong password', newPassword: strongPassword() })],
        ['a weak new password', 400, () => http().patch(`${API}/users/me/password`).set(as(user)).send({ currentPassword: user.password, newPassword: 'password' })],
        ['the right one', 204, () => http().patch(`${API}/users/me/password`).set(as(user)).send({ currentPassword: user.password, newPassword: strongPassword() })],
      ];
    },
    'POST /api/v1/auth/mfa/setup': async () => {
      const user = await disposable();
      return [
        ['a user without MFA', 200, () => http().post(`${API}/auth/mfa/setup`).set(as(user))],
        ['no credentials', 401, () => http().post(`${API}/auth/mfa/setup`)],
        ['an API key', 403, () => http().post(`${API}/auth/mfa/setup`).set(key(f.ownerKey))],
      ];
    },
    // enable, verify and disable run as one story: one enrolled user.
    'POST /api/v1/auth/mfa/enable': async () => {
      const user = await disposable();
      const setup = await http().post(`${API}/auth/mfa/setup`).set(as(user));
      const secret = secretOf(setup.body.otpauthUrl as string);
      return [
        ['a wrong code', 401, () => http().post(`${API}/auth/mfa/enable`).set(as(user)).send({ code: wrongCode(secret) })],
        ['no code', 400, () => http().post(`${API}/auth/mfa/enable`).set(as(user)).send({})],
        [
          'the current code',
          200,
          async () => {
            await awayFromStepEdge(); // the previous step's code must not turn two steps old in flight
            return http().post(`${API}/auth/mfa/enable`).set(as(user)).send({ code: totp(secret, -1) });
          },
        ],
        ['enabled already', 409, () => http().post(`${API}/auth/mfa/enable`).set(as(user)).send({ code: totp(secret) })],
      ];
    },
    'POST /api/v1/auth/mfa/verify': async () => {
      const user = await disposable();
      mfa = await enableMfa(app, user);
      mfaUser = user;
      const challenge = async () => (await http().post(`${API}/auth/login`).send({ email: user.email, password: user.password })).body.mfaToken as string;
      const [first, second] = [await challenge(), await challenge()];
      return [
        ['the password step (an MFA challenge)', 200, () => http().post(`${API}/auth/login`).send({ email: user.email, password: user.password }), 'POST /api/v1/auth/login'],
        ['a recovery code', 200, () => http().post(`${API}/auth/mfa/verify`).send({ mfaToken: first, code: mfa.recoveryCodes[0] })],
        ['a used challenge', 401, () => http().post(`${API}/auth/mfa/verify`).send({ mfaToken: first, code: mfa.recoveryCodes[1] })],
        ['no code', 400, () => http().post(`${API}/auth/mfa/verify`).send({ mfaToken: second })],
      ];
    },
    'POST /api/v1/auth/mfa/disable': () => [
      ['a wrong code', 401, () => http().post(`${API}/auth/mfa/disable`).set(as(mfaUser)).send({ password: mfaUser.password, code: '000000' })],
      ['no code', 400, () => http().post(`${API}/auth/mfa/disable`).set(as(mfaUser)).send({ password: mfaUser.password })],
      ['the password and a recovery code', 204, () => http().post(`${API}/auth/mfa/disable`).set(as(mfaUser)).send({ password: mfaUser.password, code: mfa.recoveryCodes[2] })],
      ['MFA is off now', 409, () => http().post(`${API}/auth/mfa/disable`).set(as(mfaUser)).send({ password: mfaUser.password, code: mfa.recoveryCodes[3] })],
    ],
    'GET /api/v1/auth/google': async () => {
      withoutGoogle = await createTestApp({ RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix(), GOOGLE_CLIENT_ID: '' });
      const bare = withoutGoogle;
      return [
        ['start', 302, () => http().get(`${API}/auth/google`).query({ returnTo: '/dashboard' })],
        ['Google not configured', 404, () => request(bare.getHttpServer()).get(`${API}/auth/google`)],
        ['its callback, Google not configured', 404, () => request(bare.getHttpServer()).get(`${API}/auth/google/callback`), 'GET /api/v1/auth/google/callback'],
      ];
    },
    'GET /api/v1/auth/google/callback': async () => {
      const flow = await googleCallbackRequest();
      const stale = await googleCallbackRequest();
      return [
        ['the provider\'s redirect with the flow cookie', 302, () => http().get(`${API}/auth/google/callback${flow.search}`).set('Cookie', flow.cookie)],
        ['without the flow cookie', 401, () => http().get(`${API}/auth/google/callback${stale.search}`)],
      ];
    },
    'GET /api/v1/users/me': () => [
      ['a user', 200, () => http().get(`${API}/users/me`).set(as(f.owner))],
      ['a key with profile:read', 200, () => http().get(`${API}/users/me`).set(key(f.ownerKey))],
      ['a key without it', 403, () => http().get(`${API}/users/me`).set(key(f.readOnlyKey))],
      ['an unknown key', 401, () => http().get(`${API}/users/me`).set({ 'X-API-Key': `sk_${'a'.repeat(12)}_${'b'.repeat(43)}` })],
    ],
    'PATCH /api/v1/users/me': () => [
      ['a new name', 200, () => http().patch(`${API}/users/me`).set(as(f.owner)).send({ name: 'Owner renamed' })],
      ['an unknown field', 400, () => http().patch(`${API}/users/me`).set(as(f.owner)).send({ role: 'admin' })],
      ['a text body', 415, () => http().patch(`${API}/users/me`).set(as(f.owner)).set('Content-Type', 'text/plain').send('name')],
    ],
    'DELETE /api/v1/users/me': async () => {
      const user = await disposable();
      return [
        ['a wrong password', 401, () => http().delete(`${API}/users/me`).set(as(user)).send({ password: 'wrong password' })],
        ['a code that is no string', 400, () => http().delete(`${API}/users/me`).set(as(user)).send({ password: user.password, code: 5 })],
        ['the password', 204, () => http().delete(`${API}/users/me`).set(as(user)).send({ password: user.password })],
      ];
    },
    'GET /api/v1/users/{id}': () => [
      ['another user', 200, () => http().get(`${API}/users/${f.other.id}`).set(as(f.owner))],
      ['oneself', 200, () => http().get(`${API}/users/${f.owner.id}`).set(as(f.owner))],
      ['an unknown user', 404, () => http().get(`${API}/users/${UNKNOWN}`).set(as(f.owner))],
      ['not a UUID', 400, () => http().get(`${API}/users/42`).set(as(f.owner))],
    ],
    'GET /api/v1/admin/users': () => [
      ['admin lists users', 200, () => http().get(`${API}/admin/users`).query({ limit: 3 }).set(as(f.admin))],
      ['a user', 403, () => http().get(`${API}/admin/users`).set(as(f.owner))],
      ['limit 0', 400, () => http().get(`${API}/admin/users`).query({ limit: 0 }).set(as(f.admin))],
    ],
    'PATCH /api/v1/admin/users/{id}/role': () => [
      ['admin makes a moderator', 200, () => http().patch(`${API}/admin/users/${f.targetId}/role`).set(as(f.admin)).send({ role: 'moderator' })],
      ['an unknown role', 400, () => http().patch(`${API}/admin/users/${f.targetId}/role`).set(as(f.admin)).send({ role: 'root' })],
      ['an unknown user', 404, () => http().patch(`${API}/admin/users/${UNKNOWN}/role`).set(as(f.admin)).send({ role: 'user' })],
      ['a user', 403, () => http().patch(`${API}/admin/users/${f.targetId}/role`).set(as(f.owner)).send({ role: 'admin' })],
    ],
    'PATCH /api/v1/admin/users/{id}/status': () => [
      ['admin disables a user', 200, () => http().patch(`${API}/admin/users/${f.targetId}/status`).set(as(f.admin)).send({ status: 'disabled' })],
      ['admin enables them again', 200, () => http().patch(`${API}/admin/users/${f.targetId}/status`).set(as(f.admin)).send({ status: 'active' })],
      ['admin disables themselves', 409, () => http().patch(`${API}/admin/users/${f.admin.id}/status`).set(as(f.admin)).send({ status: 'disabled' })],
      ['an unknown user', 404, () => http().patch(`${API}/admin/users/${UNKNOWN}/status`).set(as(f.admin)).send({ status: 'active' })],
    ],
    'PATCH /api/v1/admin/users/{id}/plan': () => [
      ['admin sets a plan', 200, () => http().patch(`${API}/admin/users/${f.targetId}/plan`).set(as(f.admin)).send({ plan: 'PREMIUM' })],
      ['a lower-case plan', 400, () => http().patch(`${API}/admin/users/${f.targetId}/plan`).set(as(f.admin)).send({ plan: 'premium' })],
      ['an unknown user', 404, () => http().patch(`${API}/admin/users/${UNKNOWN}/plan`).set(as(f.admin)).send({ plan: 'DEFAULT' })],
    ],
    'POST /api/v1/api-keys': () => [
      ['a key', 201, () => http().post(`${API}/api-keys`).set(as(f.other)).send({ name: 'contract', scopes: ['posts:read'] })],
      ['an unknown scope', 400, () => http().post(`${API}/api-keys`).set(as(f.other)).send({ name: 'contract', scopes: ['admin'] })],
      ['a wrong password', 401, () => http().post(`${API}/api-keys`).set(as(f.other)).send({ name: 'contract', scopes: ['posts:read'], password: 'wrong password' })],
      ['an API key', 403, () => http().post(`${API}/api-keys`).set(key(f.ownerKey)).send({ name: 'contract', scopes: ['posts:read'] })],
    ],
    'GET /api/v1/api-keys': () => [
      ['the caller\'s keys', 200, () => http().get(`${API}/api-keys`).set(as(f.owner))],
      ['no credentials', 401, () => http().get(`${API}/api-keys`)],
    ],
    'DELETE /api/v1/api-keys/{id}': async () => {
      const created = await createApiKey(app, f.other, ['posts:read']);
      return [
        ['one of the caller\'s keys', 204, () => http().delete(`${API}/api-keys/${created.id}`).set(as(f.other))],
        ['someone else\'s key', 404, () => http().delete(`${API}/api-keys/${f.ownerKey.id}`).set(as(f.other))],
      ];
    },
    'GET /api/v1/users/me/export': () => [
      ['the caller\'s data', 200, () => http().get(`${API}/users/me/export`).set(as(f.owner))],
      ['an API key', 403, () => http().get(`${API}/users/me/export`).set(key(f.ownerKey))],
    ],
    'POST /api/v1/posts': () => [
      ['a user', 201, () => http().post(`${API}/posts`).set(as(f.owner)).send({ title: 'Contract', content: 'Text', tags: ['a'] })],
      ['a key with posts:write', 201, () => http().post(`${API}/posts`).set(key(f.ownerKey)).send({ title: 'Contract', content: 'Text' })],
      ['a key without it', 403, () => http().post(`${API}/posts`).set(key(f.readOnlyKey)).send({ title: 'Contract', content: 'Text' })],
      ['a short title', 400, () => http().post(`${API}/posts`).set(as(f.owner)).send({ title: 'x', content: 'Text' })],
      ['a body over 256 kB', 413, () => http().post(`${API}/posts`).set(as(f.owner)).send({ title: 'Contract', content: 'a'.repeat(300_000) })],
    ],
    'GET /api/v1/posts': () => [
      ['a search', 200, () => http().get(`${API}/posts`).query({ q: 'Contract', limit: 5 }).set(as(f.owner))],
      ['a key with posts:read', 200, () => http().get(`${API}/posts`).set(key(f.readOnlyKey))],
      ['an unknown query parameter', 400, () => http().get(`${API}/posts`).query({ sort: 'title' }).set(as(f.owner))],
      ['no credentials', 401, () => http().get(`${API}/posts`)],
    ],
    'GET /api/v1/posts/{id}': () => [
      ['a published post', 200, () => http().get(`${API}/posts/${f.published.id}`).set(as(f.other))],
      ['its current ETag', 304, () => http().get(`${API}/posts/${f.published.id}`).set(as(f.other)).set('If-None-Match', '"1"')],
      ['someone else\'s draft', 403, () => http().get(`${API}/posts/${f.draft.id}`).set(as(f.other))],
      ['an unknown post', 404, () => http().get(`${API}/posts/${UNKNOWN}`).set(as(f.other))],
      ['not a UUID', 400, () => http().get(`${API}/posts/1`).set(as(f.other))],
    ],
    'PATCH /api/v1/posts/{id}': async () => {
      const target = await post();
      return [
        ['its author', 200, () => http().patch(`${API}/posts/${target.id}`).set(as(f.owner)).set('If-Match', '"1"').send({ title: 'Edited' })],
        ['a stale If-Match', 412, () => http().patch(`${API}/posts/${target.id}`).set(as(f.owner)).set('If-Match', '"1"').send({ title: 'Edited again' })],
        ['someone else\'s draft', 403, () => http().patch(`${API}/posts/${f.draft.id}`).set(as(f.other)).send({ title: 'Mine now' })],
        ['an unknown post', 404, () => http().patch(`${API}/posts/${UNKNOWN}`).set(as(f.owner)).send({ title: 'Edited' })],
        ['a null title', 400, () => http().patch(`${API}/posts/${target.id}`).set(as(f.owner)).send({ title: null })],
      ];
    },
    'DELETE /api/v1/posts/{id}': async () => {
      const target = await post();
      return [
        ['a stale If-Match', 412, () => http().delete(`${API}/posts/${target.id}`).set(as(f.owner)).set('If-Match', '"7"')],
        ['someone else\'s post', 403, () => http().delete(`${API}/posts/${target.id}`).set(as(f.other))],
        ['its author', 204, () => http().delete(`${API}/posts/${target.id}`).set(as(f.owner))],
        ['gone', 404, () => http().delete(`${API}/posts/${target.id}`).set(as(f.owner))],
      ];
    },
    'POST /api/v1/posts/{postId}/comments': () => [
      ['on a published post', 201, () => http().post(`${API}/posts/${f.published.id}/comments`).set(as(f.other)).send({ content: 'Nice' })],
      ['a key with comments:write', 201, () => http().post(`${API}/posts/${f.published.id}/comments`).set(key(f.ownerKey)).send({ content: 'Nice' })],
      ['on someone else\'s draft', 403, () => http().post(`${API}/posts/${f.draft.id}/comments`).set(as(f.other)).send({ content: 'Nice' })],
      ['on an unknown post', 404, () => http().post(`${API}/posts/${UNKNOWN}/comments`).set(as(f.other)).send({ content: 'Nice' })],
      ['empty', 400, () => http().post(`${API}/posts/${f.published.id}/comments`).set(as(f.other)).send({ content: '' })],
    ],
    'GET /api/v1/posts/{postId}/comments': () => [
      ['of a published post', 200, () => http().get(`${API}/posts/${f.published.id}/comments`).set(as(f.other))],
      ['of someone else\'s draft', 403, () => http().get(`${API}/posts/${f.draft.id}/comments`).set(as(f.other))],
      ['of an unknown post', 404, () => http().get(`${API}/posts/${UNKNOWN}/comments`).set(as(f.other))],
      ['page 0', 400, () => http().get(`${API}/posts/${f.published.id}/comments`).query({ page: 0 }).set(as(f.other))],
    ],
    'PATCH /api/v1/comments/{id}': () => [
      ['its author', 200, () => http().patch(`${API}/comments/${f.commentId}`).set(as(f.owner)).send({ content: 'Edited' })],
      ['someone else', 403, () => http().patch(`${API}/comments/${f.commentId}`).set(as(f.other)).send({ content: 'Edited' })],
      ['an unknown comment', 404, () => http().patch(`${API}/comments/${UNKNOWN}`).set(as(f.owner)).send({ content: 'Edited' })],
      ['too long', 400, () => http().patch(`${API}/comments/${f.commentId}`).set(as(f.owner)).send({ content: 'a'.repeat(5001) })],
    ],
    'DELETE /api/v1/comments/{id}': async () => {
      const comment = await http().post(`${API}/posts/${f.published.id}/comments`).set(as(f.other)).send({ content: 'To delete' });
      const id = comment.body.id as string;
      return [
        ['someone else', 403, () => http().delete(`${API}/comments/${f.commentId}`).set(as(f.other))],
        ['its author', 204, () => http().delete(`${API}/comments/${id}`).set(as(f.other))],
        ['gone', 404, () => http().delete(`${API}/comments/${id}`).set(as(f.other))],
      ];
    },
    'GET /health/live': () => [['the process', 200, () => http().get('/health/live')]],
    'GET /health/ready': () => [['the dependencies', 200, () => http().get('/health/ready')]],
  };

  /** Operations that take nothing a caller could get wrong (no credentials, parameters or body). */
  const NO_INPUT = new Set(['GET /.well-known/jwks.json', 'GET /health/live', 'GET /health/ready']);

  /** The statuses each operation's calls expect, recorded as its test starts. */
  const expected = new Map<string, number[]>();

  it('has a case for every operation of the document', () => {
    const operations = operationIds(document);
    expect({ missing: operations.filter((op) => !(op in CASES)), unknown: Object.keys(CASES).filter((op) => !operations.includes(op)) }).toEqual({ missing: [], unknown: [] });
  });

  it('the schema check can fail: a profile missing a field, with an extra one, or an undeclared status', async () => {
    const me = await http().get(`${API}/users/me`).set(as(f.other));
    const schema = { $ref: '#/components/schemas/UserProfileDto' };
    expect(checker.validate(schema, me.body)).toEqual([]);
    const withoutEmail: Record<string, unknown> = { ...me.body };
    delete withoutEmail.email;
    expect(checker.validate(schema, withoutEmail)).toEqual([expect.stringContaining("must have required property 'email'")]);
    expect(checker.validate(schema, { ...me.body, passwordHash: 'x' })).toEqual([expect.stringContaining('passwordHash')]);
    expect(checker.validate(schema, { ...me.body, createdAt: 'yesterday' })).toEqual([expect.stringContaining('date-time')]);
    expect(checker.problems('GET /api/v1/users/me', { status: 418, headers: {}, text: '' })).toEqual(['status 418 is not declared']);
  });

  it.each(Object.keys(CASES))('%s answers only what the document declares', async (operation) => {
    const calls = await CASES[operation]!();
    expected.set(operation, calls.filter(([, , , checkedAs]) => !checkedAs).map(([, status]) => status));
    for (const [label, status, send, checkedAs] of calls) {
      const answer = await send();
      expect({ call: label, status: answer.status, problems: checker.problems(checkedAs ?? operation, answer) }).toEqual({ call: label, status, problems: [] });
    }
  });

  it('tried every operation with a success and a refusal', () => {
    const lacking = Object.keys(CASES).flatMap((operation) => {
      const statuses = expected.get(operation) ?? [];
      return [
        ...(statuses.some((s) => s < 400) ? [] : [`${operation}: no successful call`]),
        ...(NO_INPUT.has(operation) || statuses.some((s) => s >= 400) ? [] : [`${operation}: no refused call`]),
      ];
    });
    expect(lacking).toEqual([]);
  });
});
