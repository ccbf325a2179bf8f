import { accessSync, constants } from 'node:fs';
import { z } from 'zod';
import { accountsEnvSchema, loadAccountSettings, type AccountSettings } from './accounts.config.js';
import { appEnvSchema, serverLimitProblems, tlsProblems, toAppSettings, type AppSettings } from './server.config.js';
import { authEnvSchema, loadAuthSettings, type AuthSettings } from './auth.config.js';
import { ConfigValidationError } from './config.error.js';
import {
  databaseEnvSchema,
  databaseProductionProblems,
  toDatabaseSettings,
  type DatabaseSettings,
} from './database.config.js';
import { withoutEmpty, type Env } from './env.js';
import { apiKeysEnvSchema, toApiKeySettings, type ApiKeySettings } from './api-keys.config.js';
import { loadDeprecations, versioningEnvSchema } from './versioning.config.js';
import { googleEnvSchema, loadGoogleSettings, type GoogleSettings } from './google.config.js';
import { loadMailSettings, mailEnvSchema, type MailSettings } from './mail.config.js';
import { loadMfaSettings, mfaEnvSchema, type MfaSettings } from './mfa.config.js';
import { rateLimitEnvSchema, toRateLimitSettings, type RateLimitSettings } from './rate-limit.config.js';

const envSchema = appEnvSchema
  .extend(databaseEnvSchema.shape)
  .extend(authEnvSchema.shape)
  .extend(rateLimitEnvSchema.shape)
  .extend(mailEnvSchema.shape)
  .extend(mfaEnvSchema.shape)
  .extend(apiKeysEnvSchema.shape)
  .extend(googleEnvSchema.shape)
  .extend(versioningEnvSchema.shape)
  .extend(accountsEnvSchema.shape);

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The validated, typed configuration. Built once at boot from the environment; nothing outside
 * src/config reads process.env. Inject it anywhere as `AppConfig`.
 */
export class AppConfig {
  constructor(
    readonly app: AppSettings,
    readonly database: DatabaseSettings,
    readonly auth: AuthSettings,
    readonly rateLimit: RateLimitSettings,
    readonly mail: MailSettings,
    readonly mfa: MfaSettings,
    readonly apiKeys: ApiKeySettings,
    /** Undefined when Google sign-in is not configured. */
    readonly google: GoogleSettings | undefined,
    readonly accounts: AccountSettings,
  ) {}

  get isProduction(): boolean {
    return this.app.env === 'production';
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
}

/** Production refuses plain HTTP, so it must know where TLS ends: here, or at a trusted proxy. */
function httpsProductionProblems(e: z.infer<typeof envSchema>): string[] {
  return e.TLS_CERT_FILE || e.TRUST_PROXY > 0
    ? []
    : ['TLS_CERT_FILE, TRUST_PROXY: production serves HTTPS only; set TLS_CERT_FILE/TLS_KEY_FILE, or TRUST_PROXY behind a TLS proxy'];
}

/** Validates the environment; throws ConfigValidationError naming every bad variable. */
export function loadConfig(rawEnv: Env = process.env): AppConfig {
  const parsed = envSchema.safeParse(withoutEmpty(rawEnv));
  if (!parsed.success) throw new ConfigValidationError(describeIssues(parsed.error));
  const e = parsed.data;
  const auth = loadAuthSettings(e);
  const mail = loadMailSettings(e);
  const mfa = loadMfaSettings(e);
  const google = loadGoogleSettings(e);
  const versions = loadDeprecations(e);
  const accounts = loadAccountSettings(e);
  const problems = [...versions.problems, ...auth.problems, ...mail.problems, ...mfa.problems, ...google.problems, ...accounts.problems, ...tlsProblems(e, readable), ...serverLimitProblems(e)];
  if (e.NODE_ENV === 'production') problems.push(...databaseProductionProblems(e.DATABASE_URL), ...httpsProductionProblems(e));
  if (problems.length > 0 || !auth.settings || !mfa.settings) throw new ConfigValidationError(problems);
  return new AppConfig(toAppSettings(e, versions.deprecations), toDatabaseSettings(e), auth.settings, toRateLimitSettings(e), mail.settings, mfa.settings, toApiKeySettings(e), google.settings, accounts.settings);
}
