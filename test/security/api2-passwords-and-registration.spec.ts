import { describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { useTestApp } from '../setup/create-test-app.js';
import { REGISTRATION_ACCEPTED } from '../../src/modules/auth/auth.service.js';
import { API, registerVerified, strongPassword, uniqueEmail } from '../setup/factories.js';
import { expectError, expectFieldRejected, http } from './support/authz.js';
import { oversizedJson, randomLetters } from './support/input.js';

/** Headers that differ between any two answers (time, ids, counters): left out when comparing. */
const VOLATILE_HEADERS = new Set(['date', 'etag', 'x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']);

/** What a client can observe of an answer, minus what differs between any two answers. */
function observable(res: Response) {
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !VOLATILE_HEADERS.has(name)));
  return { status: res.status, body: { ...(res.body as object), requestId: '(differs per request)' }, headers };
}

const FAST_MS = 2_000;

describe('API2 passwords and registration', () => {
  const app = useTestApp();
  const register = (email: string, password: string) => http(app()).post(`${API}/auth/register`).send({ email, password, name: 'Pass Word' });
  const login = (email: string, password: string) => http(app()).post(`${API}/auth/login`).send({ email, password });

  /** Registers `password` for a fresh email, proves it logs in exactly as given, returns the email. */
  async function expectAccepted(password: string): Promise<string> {
    const email = uniqueEmail('pw');
    await registerVerified(app(), email, password, 'Pass Word');
    expect((await login(email, password)).status).toBe(200);
    return email;
  }

  describe('AUTH-02 registration and account enumeration', () => {
    it('AUTH-02 registering an existing email is the same 202, whatever its case or spacing, and leaves the account alone', async () => {
      const email = uniqueEmail('dup');
      const password = strongPassword();
      await registerVerified(app(), email, password, 'Pass Word');
      for (const variant of [email, email.toUpperCase(), `  ${email} `]) {
        const res = await register(variant, strongPassword());
        expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 202, body: REGISTRATION_ACCEPTED });
        expect(res.text.toLowerCase()).not.toContain(email);
      }
      expect((await login(email, password)).status).toBe(200);
    });

    it('AUTH-02 login with a registered email and a wrong password is indistinguishable from an unknown email', async () => {
      const email = uniqueEmail('known');
      await registerVerified(app(), email, strongPassword(), 'Pass Word');
      const known = await login(email, strongPassword());
      const unknown = await login(uniqueEmail('known'), strongPassword());
      expectError(known, 401, 'Invalid credentials');
      expect(observable(unknown)).toEqual(observable(known));
    });
  });

  describe('AUTH-04 password policy', () => {
    it.each([
      ['11 characters', randomLetters(11)],
      ['11 emoji (22 UTF-16 units: length counts characters)', '🔐🦄🌵🍋🚲🎈🧭🦉🍄🛶🎻'],
      ['129 characters', randomLetters(129)],
    ])('AUTH-04 a password of %s is 400', async (_what, password) => {
      expectFieldRejected(await register(uniqueEmail('pw'), password), 'password');
    });

    it.each([
      ['exactly 12 characters', () => randomLetters(12)],
      ['128 characters', () => randomLetters(128)],
      ['unicode characters', () => `Pässwörd 日本語 ${randomLetters(6)} ñandú 🔐🦄`],
      ['12 emoji', () => '🔐🦄🌵🍋🚲🎈🧭🦉🍄🛶🎻🪁'],
      ['leading, inner and trailing spaces', () => `   correct horse ${randomLetters(6)} battery   `],
      ['only lower-case letters (no composition rules)', () => randomLetters(16)],
    ])('AUTH-04 a password of %s is accepted and logs in', async (_what, password) => {
      await expectAccepted(password());
    });

    it('AUTH-04 spaces count as typed: the trimmed or collapsed password does not log in', async () => {
      const password = `  two  spaces ${randomLetters(8)}  `;
      const email = await expectAccepted(password);
      expectError(await login(email, password.trim()), 401, 'Invalid credentials');
      expectError(await login(email, password.replace(/\s+/g, ' ')), 401, 'Invalid credentials');
    });

    it.each(['qwerty123456', 'QWERTY123456', 'password1234', '1q2w3e4r5t6y'])('AUTH-04 the common password %s is 400', async (password) => {
      expectFieldRejected(await register(uniqueEmail('pw'), password), 'password');
    });

    it("AUTH-04 a password containing the email's name part is 400, in any case", async () => {
      const name = `marigold${randomLetters(6)}`;
      const email = `${name}@example.com`;
      expectFieldRejected(await register(email, `${name} is my password`), 'password');
      expectFieldRejected(await register(email, `My ${name.toUpperCase()} pass!`), 'password');
    });

    it('AUTH-04 no truncation: the first 72 characters of a 100-character password do not log in', async () => {
      const password = randomLetters(100);
      const email = await expectAccepted(password);
      for (const wrong of [password.slice(0, 72), password.slice(0, 99), `${password.slice(0, 72)}${randomLetters(28)}`]) {
        expectError(await login(email, wrong), 401, 'Invalid credentials');
      }
      expect((await login(email, password)).status).toBe(200);
    });

    it.each(['register', 'login'])('AUTH-04 a 1 MB password on %s is 413 within 2 s', async (route) => {
      const started = Date.now();
      const res = await http(app()).post(`${API}/auth/${route}`).type('json').send(oversizedJson(1024 * 1024));
      expectError(res, 413, 'Request body too large');
      expect(Date.now() - started).toBeLessThan(FAST_MS);
    });

    it.each(['register', 'login'])('AUTH-04 a 100 kB password under the body limit on %s is 400 within 2 s (never hashed)', async (route) => {
      const started = Date.now();
      const res = await http(app()).post(`${API}/auth/${route}`).type('json').send(oversizedJson(100_000));
      expectFieldRejected(res, 'password');
      expect(Date.now() - started).toBeLessThan(FAST_MS);
    });
  });
});
