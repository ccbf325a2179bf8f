import { z } from 'zod';
import { boolVar, intVar } from './env.js';

export const accountsEnvSchema = z.object({
  // A password account signs in only after its owner opened the mailed verification link.
  // Production refuses to run with this off (anyone could claim any address, then keep it).
  REQUIRE_EMAIL_VERIFICATION: boolVar(true),
  EMAIL_VERIFICATION_TTL_SECONDS: intVar(24 * 3600, 600, 7 * 24 * 3600),
  // Verification and "someone tried to register" mails per address and hour; more are dropped
  // silently (no mail flood to a victim's inbox, no hint to the sender).
  ACCOUNT_MAILS_MAX_PER_ADDRESS_PER_HOUR: intVar(3, 1, 1_000_000),
  // GET /users/me/export per user and hour: the export reads everything the user owns.
  ACCOUNT_EXPORT_PER_HOUR: intVar(5, 1, 1_000_000),
  // What counts as a recent sign-in for sensitive changes (an API key, deleting an account
  // without a password): the session must have started this recently, or the password is asked.
  RECENT_AUTHENTICATION_SECONDS: intVar(600, 60, 3600),
});

export type AccountSettings = {
  requireEmailVerification: boolean;
  emailVerificationTtlSeconds: number;
  mailsPerAddress: { limit: number; windowSeconds: number };
  exportsPerUser: { limit: number; windowSeconds: number };
  recentAuthenticationSeconds: number;
};

type Parsed = z.infer<typeof accountsEnvSchema> & { NODE_ENV: string };

export function loadAccountSettings(e: Parsed): { settings: AccountSettings; problems: string[] } {
  return {
    problems:
      e.NODE_ENV === 'production' && !e.REQUIRE_EMAIL_VERIFICATION
        ? ['REQUIRE_EMAIL_VERIFICATION: production requires verified addresses (unset it or set it to true)']
        : [],
    settings: {
      requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
      emailVerificationTtlSeconds: e.EMAIL_VERIFICATION_TTL_SECONDS,
      mailsPerAddress: { limit: e.ACCOUNT_MAILS_MAX_PER_ADDRESS_PER_HOUR, windowSeconds: 3600 },
      exportsPerUser: { limit: e.ACCOUNT_EXPORT_PER_HOUR, windowSeconds: 3600 },
      recentAuthenticationSeconds: e.RECENT_AUTHENTICATION_SECONDS,
    },
  };
}
