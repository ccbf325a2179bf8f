/**
 * Jest global setup for the e2e and security suites: a fresh database on a real PostgreSQL for
 * every run, migrated with `prisma migrate deploy`. The server is TEST_DATABASE_URL's when set,
 * otherwise an embedded PostgreSQL started here (temporary data folder, deleted at the end).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMfaKey, ensureSigningKey } from '../../scripts/generate-keys.js';
import { ensureDatabase, migrateDeploy } from '../../scripts/lib/database-admin.js';
import { startEmbeddedPostgres } from '../../scripts/lib/embedded-postgres.js';
import { setTestRun } from './test-run.js';

const GENEROUS_LIMITS = [
  'RATE_LIMIT_ANONYMOUS',
  'RATE_LIMIT_DEFAULT_PER_MINUTE',
  'RATE_LIMIT_REGISTER_PER_HOUR',
  'RATE_LIMIT_REFRESH_PER_MINUTE',
  'LOGIN_MAX_FAILURES_PER_IP',
  'LOGIN_MAX_FAILURES_PER_ACCOUNT',
  'RATE_LIMIT_PASSWORD_RESET_PER_HOUR',
  'RATE_LIMIT_MFA_VERIFY_PER_MINUTE',
  'PASSWORD_RESET_MAX_PER_ACCOUNT_PER_HOUR',
  'MFA_MAX_FAILURES_PER_ACCOUNT',
  'ACCOUNT_MAILS_MAX_PER_ADDRESS_PER_HOUR',
  'ACCOUNT_EXPORT_PER_HOUR',
];

export default async function globalSetup(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'secure-api-test-'));
  const embedded = process.env.TEST_DATABASE_URL ? undefined : await startEmbeddedPostgres(join(scratch, 'pg'), false);
  const serverUrl = process.env.TEST_DATABASE_URL ?? embedded!.url('postgres');
  const database = `test_${randomBytes(6).toString('hex')}`;
  const url = await ensureDatabase(serverUrl, database);
  migrateDeploy(url);

  // Workers inherit this environment: the app under test reads it through src/config.
  process.env.NODE_ENV = 'test';
  process.env.DATABASE_URL = url;
  process.env.JWT_PRIVATE_KEY_FILE = ensureSigningKey(join(scratch, 'keys'));
  process.env.MFA_ENCRYPTION_KEYS = ensureMfaKey(join(scratch, 'keys'));
  process.env.LOG_LEVEL ??= 'silent';
  process.env.ALLOWED_ORIGINS ??= 'https://app.example.com';
  // Hundreds of tests share one address: budgets are generous here, and the rate-limit specs
  // boot their own app with small ones (test/security/api4-*).
  for (const name of GENEROUS_LIMITS) process.env[name] ??= '1000000';
  setTestRun({ serverUrl, database, scratch, stop: embedded?.stop });
}
