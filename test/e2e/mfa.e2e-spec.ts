import { describe, expect, it } from '@jest/globals';
import { generateSync } from 'otplib';
import request from 'supertest';
import { useTestApp } from '../setup/create-test-app.js';
import { awayFromStepEdge } from '../security/support/auth-flows.js';
import { API, bearer, createUser, type TestUser } from '../setup/factories.js';

const secretOf = (otpauthUrl: string) => new URL(otpauthUrl).searchParams.get('secret') ?? '';
/** A code for the next 30-second step: the current one may already be spent by an earlier call. */
const codeAt = (secret: string, offsetSteps = 0) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

describe('TOTP MFA (e2e)', () => {
  const getApp = useTestApp();
  const http = () => request(getApp().getHttpServer());

  async function enableMfa(user: TestUser) {
    // The previous step's code is sent: a step boundary crossed before the server checks it would
    // make it two steps old (refused), so start well inside a step.
    await awayFromStepEdge();
    const setup = await http().post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
    expect(setup.status).toBe(200);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(setup.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const secret = secretOf(setup.body.otpauthUrl);
    const enable = await http().post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code: codeAt(secret, -1) });
    expect(enable.status).toBe(200);
    expect(enable.body.recoveryCodes).toHaveLength(10);
    return { secret, recoveryCodes: enable.body.recoveryCodes as string[] };
  }

  const passwordStep = (user: TestUser) => http().post(`${API}/auth/login`).send({ email: user.email, password: user.password });

  it('turns the password step into a challenge and finishes the login with a code', async () => {
    const user = await createUser(getApp());
    const { secret } = await enableMfa(user);
    const first = await passwordStep(user);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
    expect(first.headers['set-cookie']).toBeUndefined();
    const done = await http().post(`${API}/auth/mfa/verify`).send({ mfaToken: first.body.mfaToken, code: codeAt(secret) });
    expect(done.status).toBe(200);
    expect(done.body.tokenType).toBe('Bearer');
    expect((await http().get(`${API}/users/me`).set(bearer(done.body.accessToken))).status).toBe(200);
  });

  it('accepts a recovery code once', async () => {
    const user = await createUser(getApp());
    const { recoveryCodes } = await enableMfa(user);
    const code = recoveryCodes[0] ?? '';
    const challenge = (await passwordStep(user)).body.mfaToken;
    expect((await http().post(`${API}/auth/mfa/verify`).send({ mfaToken: challenge, code })).status).toBe(200);
    const fresh = (await passwordStep(user)).body.mfaToken;
    const again = await http().post(`${API}/auth/mfa/verify`).send({ mfaToken: fresh, code });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('Invalid code');
  });

  it('refuses setup twice once enabled, and a wrong enable code', async () => {
    const user = await createUser(getApp());
    await http().post(`${API}/auth/mfa/setup`).set(bearer(user.accessToken));
    const wrong = await http().post(`${API}/auth/mfa/enable`).set(bearer(user.accessToken)).send({ code: '000000' });
    expect(wrong.status).toBe(401);
    const fresh = await createUser(getApp());
    await enableMfa(fresh);
    expect((await http().post(`${API}/auth/mfa/setup`).set(bearer(fresh.accessToken))).status).toBe(409);
  });

  it('disables with password and code only', async () => {
    const user = await createUser(getApp());
    const { secret } = await enableMfa(user);
    const noPassword = await http().post(`${API}/auth/mfa/disable`).set(bearer(user.accessToken)).send({ password: 'wrong password!', code: codeAt(secret) });
    expect(noPassword.status).toBe(401);
    const ok = await http().post(`${API}/auth/mfa/disable`).set(bearer(user.accessToken)).send({ password: user.password, code: codeAt(secret, 1) });
    expect(ok.status).toBe(204);
    const login = await passwordStep(user);
    expect(login.body.accessToken).toEqual(expect.any(String));
  });

  it('refuses a garbage or foreign challenge token', async () => {
    const user = await createUser(getApp());
    const bad = await http().post(`${API}/auth/mfa/verify`).send({ mfaToken: 'x'.repeat(40), code: '123456' });
    expect(bad.status).toBe(401);
    const accessAsChallenge = await http().post(`${API}/auth/mfa/verify`).send({ mfaToken: user.accessToken, code: '123456' });
    expect(accessAsChallenge.status).toBe(401);
  });
});
