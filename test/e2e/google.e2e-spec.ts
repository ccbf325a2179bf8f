import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OAuth2Server } from 'oauth2-mock-server';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestApp } from '../setup/create-test-app.js';
import { GOOGLE_CALLBACK, GOOGLE_FRONTEND, googleSettings, startGoogleProvider } from '../setup/google-provider.js';
import { API, createUser } from '../setup/factories.js';

const FRONTEND = GOOGLE_FRONTEND;

type Claims = { sub: string; email: string; email_verified: boolean };

describe('Google sign-in against a local OIDC server (e2e)', () => {
  const provider = new OAuth2Server();
  let app: NestExpressApplication;
  let claims: Claims;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const issuer = await startGoogleProvider(provider, () => claims);
    app = await createTestApp(googleSettings(issuer));
  });
  afterAll(async () => {
    await app.close();
    await provider.stop();
  });

  /** Runs the browser's part: start, the provider's redirect, then our callback with the flow cookie. */
  async function signIn(returnTo = '/dashboard') {
    const start = await http().get(`${API}/auth/google`).query({ returnTo });
    expect(start.status).toBe(302);
    const flowCookie = (start.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-oauth_google='));
    const atProvider = await fetch(start.headers.location ?? '', { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location') ?? '');
    const callback = await http().get(`${API}/auth/google/callback${back.search}`).set('Cookie', (flowCookie ?? '').split(';')[0] ?? '');
    return { start, back, callback };
  }

  it('sends the browser to the provider with code flow, PKCE S256, state and nonce', async () => {
    claims = { sub: randomUUID(), email: `g-${randomUUID()}@example.com`, email_verified: true };
    const { start } = await signIn();
    const url = new URL(start.headers.location ?? '');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('redirect_uri')).toBe(GOOGLE_CALLBACK);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(43);
    expect(url.searchParams.get('nonce')?.length).toBeGreaterThanOrEqual(43);
    expect(start.headers['set-cookie']?.[0]).toMatch(/HttpOnly/);
  });

  it('creates the account, sets the refresh cookie and redirects with no token in the URL', async () => {
    claims = { sub: randomUUID(), email: `g-${randomUUID()}@example.com`, email_verified: true };
    const { callback } = await signIn('/dashboard');
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe(`${FRONTEND}/dashboard`);
    const refresh = (callback.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('__Host-refresh_token='));
    expect(refresh).toBeDefined();
    const tokens = await http().post(`${API}/auth/refresh`).set('Cookie', (refresh ?? '').split(';')[0] ?? '').set('Origin', FRONTEND).send({});
    expect(tokens.status).toBe(200);
    const me = await http().get(`${API}/users/me`).set('Authorization', `Bearer ${tokens.body.accessToken}`);
    expect(me.body.email).toBe(claims.email);
  });

  it('links to an existing account only through a verified email', async () => {
    const user = await createUser(app);
    claims = { sub: randomUUID(), email: user.email, email_verified: false };
    expect((await signIn()).callback.status).toBe(403);
    claims = { ...claims, email_verified: true };
    const { callback } = await signIn();
    expect(callback.status).toBe(302);
  });

  it('refuses a callback without its flow cookie, or replayed', async () => {
    claims = { sub: randomUUID(), email: `g-${randomUUID()}@example.com`, email_verified: true };
    const { back } = await signIn();
    const noCookie = await http().get(`${API}/auth/google/callback${back.search}`);
    expect(noCookie.status).toBe(401);
    expect(noCookie.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/refresh_token=[^;]+/)]));
  });
});
