import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** The maintained list of the most common passwords (zxcvbn-ts), compared case-insensitively. */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * NIST 800-63B / ASVS 6.2 password rules: a length range counted in characters (code points, so
 * emoji and accents count as one), no composition rules, no truncation, and no password that is
 * common or built from the account's own email name. Returns the problem, or undefined.
 */
export function passwordPolicyViolation(password: string, email?: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `password must be at least ${PASSWORD_MIN} characters long`;
  if (length > PASSWORD_MAX) return `password must be at most ${PASSWORD_MAX} characters long`;
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered) || COMMON_PASSWORDS.has(lowered.replace(/\s+/g, ''))) {
    return 'password is too common; choose a less predictable one';
  }
  const localPart = email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 3 && lowered.includes(localPart)) {
    return 'password must not contain the name part of your email address';
  }
  return undefined;
}
