import { randomBytes } from 'node:crypto';

const PREFIX_BYTES = 9;
const SECRET_BYTES = 32;

/**
 * `sk_<prefix>_<secret>`: the prefix (72 random bits) is stored in clear to find the key and to
 * show it in lists; the whole key is stored only as SHA-256 (hashToken, like every other token).
 * The secret part is 256 random bits.
 */
export function newApiKey(): { key: string; prefix: string } {
  const prefix = `sk_${randomBytes(PREFIX_BYTES).toString('base64url')}`;
  return { key: `${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`, prefix };
}

/** The prefix of a well-formed key, or null (no database lookup for garbage). */
export function prefixOf(key: string): string | null {
  const match = /^(sk_[A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/.exec(key);
  return match?.[1] ?? null;
}

