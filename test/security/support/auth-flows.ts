import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { expect } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { generateSync } from 'otplib';
import request from 'supertest';
import { API, bearer, type TestUser } from '../../setup/factories.js';

/** Helpers shared by the MFA and API key suites (checklist E, H, AUTH-07). */

export type Json = Record<string, unknown>;

const STEP_SECONDS = 30;

/** The base32 secret in an otpauth:// URL. */
export const secretOf = (otpauthUrl: string) => new URL(otpauthUrl).searchParams.get('secret') ?? '';

/** The TOTP code of the step `offsetSteps` away from now (-1: the previous 30-second step). */
export const totp = (secret: string, offsetSteps = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * STEP_SECONDS });

/** Six digits that are no valid code of the previous, current or next step. */
export function wrongCode(secret: string): string {
  const near = new Set([-1, 0, 1, 2].map((offset) => totp(secret, offset)));
  for (let n = 0; ; n += 1) {
    const candidate = String((123_456 + n * 111_111) % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

export type MfaEnrollment = { secret: string; otpauthUrl: string; recoveryCodes: string[] };

/**
 * Waits until the current 30-second step has at least `marginSeconds` left (and has run for as
 * long), so a code computed now is judged in the same step by the server.
 */
export async function awayFromStepEdge(marginSeconds = 3): Promise<void> {
  const intoStep = (Date.now() / 1000) % STEP_SECONDS;
  if (intoStep >= marginSeconds && intoStep <= STEP_SECONDS - marginSeconds) return;
  const wait = intoStep < marginSeconds ? marginSeconds - intoStep : STEP_SECONDS - intoStep + marginSeconds;
  await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait * 1000)));
}

/** setup + enable (with the previous step's code, so the current and next steps stay unused). */
export async function enableMfa(app: INestApplication, user: TestUser): Promise<MfaEnrollment> {
  await awayFromStepEdge();
  const setup = await request(app.getHttpServer()).post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
  expect(setup.status).toBe(200);
  const otpauthUrl = setup.body.otpauthUrl as string;
  const secret = secretOf(otpauthUrl);
  const enable = await request(app.getHttpServer()).post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code: totp(secret, -1) });
  expect(enable.status).toBe(200);
  return { secret, otpauthUrl, recoveryCodes: enable.body.recoveryCodes as string[] };
}

/** POST /auth/login with the user's password (the first step when MFA is on). */
export const passwordStep = (app: INestApplication, user: Pick<TestUser, 'email' | 'password'>) =>
  request(app.getHttpServer()).post(`${API}/auth/login`).send({ email: user.email, password: user.password });

/** The MFA challenge of a password step that must yield one. */
export async function challengeFor(app: INestApplication, user: TestUser): Promise<string> {
  const res = await passwordStep(app, user);
  expect({ status: res.status, mfaRequired: res.body.mfaRequired }).toEqual({ status: 200, mfaRequired: true });
  return res.body.mfaToken as string;
}

export const verifyMfa = (app: INestApplication, mfaToken: string, code: string) =>
  request(app.getHttpServer()).post(`${API}/auth/mfa/verify`).send({ mfaToken, code });

/** The run's RS256 signing key (global setup writes it to JWT_PRIVATE_KEY_FILE). */
export function testSigningKey(): KeyObject {
  const file = process.env.JWT_PRIVATE_KEY_FILE;
  if (!file) throw new Error('JWT_PRIVATE_KEY_FILE is not set (the e2e global setup sets it)');
  return createPrivateKey(readFileSync(file, 'utf8'));
}

/** Header and claims of a JWT, unverified. */
export function decodeJwt(token: string): { header: jwt.JwtHeader; payload: Json } {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new Error('not a JWT with a JSON payload');
  return { header: decoded.header, payload: { ...decoded.payload } };
}

/** Signs `payload` as is (iat and exp included) with `header`, RS256. */
export const signJwt = (header: jwt.JwtHeader, payload: Json, key: KeyObject) => jwt.sign(payload, key, { algorithm: 'RS256', header });

export type ApiKeyScope = 'posts:read' | 'posts:write' | 'comments:write' | 'profile:read';
export const ALL_SCOPES: ApiKeyScope[] = ['posts:read', 'posts:write', 'comments:write', 'profile:read'];

export type CreatedApiKey = { id: string; key: string; prefix: string; scopes: string[]; lastUsedAt: string | null };

/** POST /api-keys as `owner` (with the owner's access token). */
export async function createApiKey(app: INestApplication, owner: TestUser, scopes: ApiKeyScope[] = ALL_SCOPES, extra: Json = {}): Promise<CreatedApiKey> {
  const res = await request(app.getHttpServer())
    .post(`${API}/api-keys`)
    .set(bearer(owner.accessToken))
    .send({ name: `key ${scopes.join(' ')}`, scopes, ...extra });
  expect(res.status).toBe(201);
  return res.body as CreatedApiKey;
}
