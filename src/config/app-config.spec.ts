import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';
import { ConfigValidationError } from './config.error.js';

const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
function keyFile(name: string, bits: number): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const file = join(dir, name);
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}
const goodKey = keyFile('good.pem', 2048);
const weakKey = keyFile('weak.pem', 1024);
const base = {
  JWT_PRIVATE_KEY_FILE: goodKey,
  DATABASE_URL: 'postgresql://app:s3cure-Pa55@db.internal:5432/app',
  MFA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
}

describe('loadConfig', () => {
  it('builds a typed config with secure defaults', () => {
    const config = loadConfig(base);
    expect(config.app).toMatchObject({ env: 'development', port: 3000, bodyLimit: '256kb' });
    expect(config.auth).toMatchObject({ accessTokenTtlSeconds: 900, argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 } });
    expect(config.auth.signingKey.type).toBe('private');
  });

  it('names each missing variable', () => {
    const problems = problemsOf({});
    expect(problems.join('\n')).toMatch(/JWT_PRIVATE_KEY_FILE/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
  });

  it('reports every bad setting in one message, across concerns', () => {
    const problems = problemsOf({ ...base, PORT: 'eighty', JWT_PRIVATE_KEY_FILE: weakKey, MFA_ENCRYPTION_KEYS: 'k1:short', REQUIRE_EMAIL_VERIFICATION: 'maybe' });
    for (const variable of ['PORT', 'JWT_PRIVATE_KEY_FILE', 'MFA_ENCRYPTION_KEYS', 'REQUIRE_EMAIL_VERIFICATION']) {
      expect(problems.some((p) => p.startsWith(variable))).toBe(true);
    }
  });

  it('refuses a signing key under 2048 bits or unreadable', () => {
    expect(problemsOf({ ...base, JWT_PRIVATE_KEY_FILE: weakKey })).toEqual([expect.stringMatching(/^JWT_PRIVATE_KEY_FILE: .*2048/)]);
    expect(problemsOf({ ...base, JWT_PRIVATE_KEY_FILE: join(dir, 'missing.pem') })).toEqual([
      expect.stringMatching(/^JWT_PRIVATE_KEY_FILE: cannot read/),
    ]);
  });

  it('refuses argon2 parameters under the OWASP minimum and access tokens over 15 minutes', () => {
    expect(problemsOf({ ...base, ARGON2_MEMORY_KIB: '4096' }).join()).toMatch(/ARGON2_MEMORY_KIB/);
    expect(problemsOf({ ...base, ARGON2_TIME_COST: '1' }).join()).toMatch(/ARGON2_TIME_COST/);
    expect(problemsOf({ ...base, ACCESS_TOKEN_TTL_SECONDS: '3600' }).join()).toMatch(/ACCESS_TOKEN_TTL_SECONDS/);
  });

  it('refuses a placeholder database password in production only', () => {
    const weak = { ...base, DATABASE_URL: 'postgresql://postgres:postgres@db:5432/app' };
    const production = { NODE_ENV: 'production', TRUST_PROXY: '1', SMTP_URL: 'smtp://mail.internal:587' };
    expect(problemsOf(weak)).toEqual([]);
    expect(problemsOf({ ...weak, ...production })).toEqual([expect.stringMatching(/^DATABASE_URL: .*placeholder/)]);
    expect(problemsOf({ ...base, ...production })).toEqual([]);
  });

  it('requires production to know where TLS ends (direct TLS or a trusted proxy)', () => {
    expect(problemsOf({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://mail.internal:587' })).toEqual([expect.stringMatching(/TRUST_PROXY/)]);
    expect(problemsOf({ ...base, TLS_CERT_FILE: goodKey })).toEqual([expect.stringMatching(/set both or neither/)]);
    expect(problemsOf({ ...base, TLS_CERT_FILE: goodKey, TLS_KEY_FILE: join(dir, 'nope.pem') })).toEqual([
      expect.stringMatching(/^TLS_KEY_FILE: cannot read/),
    ]);
  });

  it('refuses production without email verification, and allows turning it off elsewhere', () => {
    const production = { ...base, NODE_ENV: 'production', TRUST_PROXY: '1', SMTP_URL: 'smtp://mail.internal:587' };
    expect(loadConfig(production).accounts.requireEmailVerification).toBe(true);
    expect(problemsOf({ ...production, REQUIRE_EMAIL_VERIFICATION: 'false' })).toEqual([expect.stringMatching(/^REQUIRE_EMAIL_VERIFICATION: production requires/)]);
    expect(loadConfig({ ...base, REQUIRE_EMAIL_VERIFICATION: 'false' }).accounts.requireEmailVerification).toBe(false);
  });

  it('keeps a mail log file only for the log transport, which production refuses', () => {
    expect(loadConfig({ ...base, MAIL_TRANSPORT: 'log', MAIL_LOG_FILE: '.data/mail.log' }).mail.logFile).toBe('.data/mail.log');
    expect(loadConfig({ ...base, MAIL_TRANSPORT: 'capture', MAIL_LOG_FILE: '.data/mail.log' }).mail.logFile).toBeUndefined();
    const production = { ...base, NODE_ENV: 'production', TRUST_PROXY: '1', SMTP_URL: 'smtp://mail.internal:587', MAIL_LOG_FILE: '.data/mail.log' };
    expect(loadConfig(production).mail.logFile).toBeUndefined();
  });

  it('turns the docs off in production unless asked for', () => {
    expect(loadConfig(base).app.docsEnabled).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'production', TRUST_PROXY: '1', SMTP_URL: 'smtp://mail.internal:587' }).app.docsEnabled).toBe(false);
    expect(loadConfig({ ...base, NODE_ENV: 'production', TRUST_PROXY: '1', SMTP_URL: 'smtp://mail.internal:587', DOCS_ENABLED: 'true' }).app.docsEnabled).toBe(true);
  });

  it('requires a 256-bit MFA encryption key and a known active key id', () => {
    expect(problemsOf({ ...base, MFA_ENCRYPTION_KEYS: '' }).join()).toMatch(/MFA_ENCRYPTION_KEYS: required/);
    expect(problemsOf({ ...base, MFA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` }).join()).toMatch(/32 bytes/);
    expect(problemsOf({ ...base, MFA_ENCRYPTION_KEY_ID: 'k9' }).join()).toMatch(/MFA_ENCRYPTION_KEY_ID/);
  });

  it('SRV-01 bounds the HTTP server by default, and refuses a head timeout longer than the request timeout', () => {
    expect(loadConfig(base).app.server).toEqual({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, maxConnections: 1_024 });
    expect(problemsOf({ ...base, HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' }).join()).toMatch(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(problemsOf({ ...base, HTTP_MAX_CONNECTIONS: '0' }).join()).toMatch(/HTTP_MAX_CONNECTIONS/);
  });

  it('refuses a malformed deprecation entry', () => {
    expect(problemsOf({ ...base, API_DEPRECATIONS: '/api/v1|soon' }).join()).toMatch(/API_DEPRECATIONS/);
  });

  it('refuses malformed values with the variable name', () => {
    expect(problemsOf({ ...base, PORT: 'eighty' }).join()).toMatch(/PORT/);
    expect(problemsOf({ ...base, ALLOWED_ORIGINS: 'not a url' }).join()).toMatch(/ALLOWED_ORIGINS/);
  });
});
