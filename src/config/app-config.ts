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
function httpsProductionProblems(e: ParsedEnv): string[] {
  return e.TLS_CERT_FILE || e.TRUST_PROXY > 0
    ? []
    : ['TLS_CERT_FILE, TRUST_PROXY: production serves HTTPS only; set TLS_CERT_FILE/TLS_KEY_FILE, or TRUST_PROXY behind a TLS proxy'];
}

/** One schema per concern: each is parsed on its own, so one bad variable hides no other problem. */
const CONCERNS = {
  app: appEnvSchema,
  database: databaseEnvSchema,
  auth: authEnvSchema,
  rateLimit: rateLimitEnvSchema,
  mail: mailEnvSchema,
  mfa: mfaEnvSchema,
  apiKeys: apiKeysEnvSchema,
  google: googleEnvSchema,
  versioning: versioningEnvSchema,
  accounts: accountsEnvSchema,
} as const;

/** The parsed environment, all concerns together. */
type ParsedEnv = z.infer<typeof appEnvSchema> &
  z.infer<typeof databaseEnvSchema> &
  z.infer<typeof authEnvSchema> &
  z.infer<typeof rateLimitEnvSchema> &
  z.infer<typeof mailEnvSchema> &
  z.infer<typeof mfaEnvSchema> &
  z.infer<typeof apiKeysEnvSchema> &
  z.infer<typeof googleEnvSchema> &
  z.infer<typeof versioningEnvSchema> &
  z.infer<typeof accountsEnvSchema>;

/**
 * Validates the environment; throws ConfigValidationError naming every bad variable at once:
 * each concern is parsed on its own, and every concern that parsed is checked further (keys
 * readable and strong, production rules), so one run reports every problem, not one per round.
 */
export function loadConfig(rawEnv: Env = process.env): AppConfig {
  const env = withoutEmpty(rawEnv);
  const results = Object.fromEntries(Object.entries(CONCERNS).map(([name, schema]) => [name, schema.safeParse(env)])) as {
    [K in keyof typeof CONCERNS]: ReturnType<(typeof CONCERNS)[K]['safeParse']>;
  };
  const problems = Object.values(results).flatMap((r) => (r.success ? [] : describeIssues(r.error)));
  const ok = (name: keyof typeof CONCERNS) => results[name].success && results.app.success;
  const e = Object.assign({}, ...Object.values(results).map((r) => (r.success ? r.data : {}))) as ParsedEnv;
  const auth = results.auth.success ? loadAuthSettings(e) : undefined;
  const mfa = results.mfa.success ? loadMfaSettings(e) : undefined;
  const mail = ok('mail') ? loadMailSettings(e) : undefined;
  const google = ok('google') ? loadGoogleSettings(e) : undefined;
  const versions = ok('versioning') ? loadDeprecations(e) : undefined;
  const accounts = ok('accounts') ? loadAccountSettings(e) : undefined;
  for (const loaded of [versions, auth, mail, mfa, google, accounts]) problems.push(...(loaded?.problems ?? []));
  if (results.app.success) problems.push(...tlsProblems(e, readable), ...serverLimitProblems(e));
  if (results.app.success && e.NODE_ENV === 'production') {
    if (results.database.success) problems.push(...databaseProductionProblems(e.DATABASE_URL));
    problems.push(...httpsProductionProblems(e));
  }
  if (problems.length > 0 || !auth?.settings || !mfa?.settings || !mail || !google || !versions || !accounts) throw new ConfigValidationError(problems);
  return new AppConfig(toAppSettings(e, versions.deprecations), toDatabaseSettings(e), auth.settings, toRateLimitSettings(e), mail.settings, mfa.settings, toApiKeySettings(e), google.settings, accounts.settings);
}
