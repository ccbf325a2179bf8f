import { z } from 'zod';
import { intVar } from './env.js';

export const rateLimitEnvSchema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  // Namespaces the counters in a shared Redis (several apps, or test runs, on one server).
  RATE_LIMIT_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).default('rl'),
  RATE_LIMIT_ANONYMOUS: intVar(100, 1, 1_000_000),
  RATE_LIMIT_ANONYMOUS_WINDOW_SECONDS: intVar(900, 1, 86_400),
  RATE_LIMIT_DEFAULT_PER_MINUTE: intVar(100, 1, 1_000_000),
  RATE_LIMIT_PREMIUM_PER_MINUTE: intVar(1000, 1, 1_000_000),
  RATE_LIMIT_REGISTER_PER_HOUR: intVar(5, 1, 1_000_000),
  RATE_LIMIT_REFRESH_PER_MINUTE: intVar(30, 1, 1_000_000),
  RATE_LIMIT_PASSWORD_RESET_PER_HOUR: intVar(3, 1, 1_000_000),
  RATE_LIMIT_MFA_VERIFY_PER_MINUTE: intVar(10, 1, 1_000_000),
  PASSWORD_RESET_MAX_PER_ACCOUNT_PER_HOUR: intVar(3, 1, 1_000_000),
  MFA_MAX_FAILURES_PER_ACCOUNT: intVar(5, 1, 1_000_000),
  LOGIN_MAX_FAILURES_PER_IP: intVar(5, 1, 1_000_000),
  LOGIN_IP_WINDOW_SECONDS: intVar(900, 1, 86_400),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: intVar(10, 1, 1_000_000),
  LOGIN_ACCOUNT_LOCK_SECONDS: intVar(900, 1, 86_400),
  // Access-pattern anomalies, counted on the same store (docs/SECURITY.md, LOG-05).
  ANOMALY_DENIED_IDS_THRESHOLD: intVar(20, 1, 1_000_000),
  ANOMALY_LOGIN_IPS_THRESHOLD: intVar(10, 1, 1_000_000),
});

/** A request budget: `limit` requests per `windowSeconds`. */
export type Budget = { limit: number; windowSeconds: number };

export type RateLimitSettings = {
  redisUrl?: string;
  keyPrefix: string;
  anonymous: Budget;
  plans: { DEFAULT: Budget; PREMIUM: Budget; ENTERPRISE: null };
  routes: { register: Budget; refresh: Budget; passwordReset: Budget; mfaVerify: Budget };
  /** Reset mails per account and hour: over it, requests are silently dropped (no lock, no hint). */
  passwordResetPerAccount: Budget;
  /** Wrong MFA codes per account before the challenge is refused for a while (429). */
  mfaFailuresPerAccount: Budget;
  login: { maxFailuresPerIp: number; ipWindowSeconds: number; maxFailuresPerAccount: number; accountLockSeconds: number };
  /**
   * ACCESS_PATTERN_ANOMALY when one principal's 403/404s hit more than `deniedIds.limit` distinct
   * resource ids, or one account's failed logins come from more than `loginIps.limit` distinct IPs,
   * within the window.
   */
  anomalies: { deniedIds: Budget; loginIps: Budget };
};

export function toRateLimitSettings(e: z.infer<typeof rateLimitEnvSchema>): RateLimitSettings {
  return {
    redisUrl: e.REDIS_URL,
    keyPrefix: e.RATE_LIMIT_KEY_PREFIX,
    anonymous: { limit: e.RATE_LIMIT_ANONYMOUS, windowSeconds: e.RATE_LIMIT_ANONYMOUS_WINDOW_SECONDS },
    // `ENTERPRISE: null` means unlimited.
    plans: {
      DEFAULT: { limit: e.RATE_LIMIT_DEFAULT_PER_MINUTE, windowSeconds: 60 },
      PREMIUM: { limit: e.RATE_LIMIT_PREMIUM_PER_MINUTE, windowSeconds: 60 },
      ENTERPRISE: null,
    },
    routes: {
      register: { limit: e.RATE_LIMIT_REGISTER_PER_HOUR, windowSeconds: 3600 },
      refresh: { limit: e.RATE_LIMIT_REFRESH_PER_MINUTE, windowSeconds: 60 },
      passwordReset: { limit: e.RATE_LIMIT_PASSWORD_RESET_PER_HOUR, windowSeconds: 3600 },
      mfaVerify: { limit: e.RATE_LIMIT_MFA_VERIFY_PER_MINUTE, windowSeconds: 60 },
    },
    passwordResetPerAccount: { limit: e.PASSWORD_RESET_MAX_PER_ACCOUNT_PER_HOUR, windowSeconds: 3600 },
    mfaFailuresPerAccount: { limit: e.MFA_MAX_FAILURES_PER_ACCOUNT, windowSeconds: 900 },
    login: {
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      ipWindowSeconds: e.LOGIN_IP_WINDOW_SECONDS,
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      accountLockSeconds: e.LOGIN_ACCOUNT_LOCK_SECONDS,
    },
    anomalies: {
      deniedIds: { limit: e.ANOMALY_DENIED_IDS_THRESHOLD, windowSeconds: 300 },
      loginIps: { limit: e.ANOMALY_LOGIN_IPS_THRESHOLD, windowSeconds: 3600 },
    },
  };
}
