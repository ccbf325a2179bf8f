import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { intVar, listVar } from './env.js';

/** OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1. */
export const ARGON2_MIN = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 } as const;
const MIN_RSA_BITS = 2048;

export const authEnvSchema = z.object({
  JWT_PRIVATE_KEY_FILE: z.string().min(1),
  JWT_PREVIOUS_PUBLIC_KEY_FILES: listVar(),
  JWT_ISSUER: z.string().min(1).default('secure-nest-api'),
  JWT_AUDIENCE: z.string().min(1).default('secure-nest-api'),
  // Access tokens live at most 15 minutes: a stolen one is useful only briefly.
  ACCESS_TOKEN_TTL_SECONDS: intVar(900, 60, 900),
  JWT_CLOCK_TOLERANCE_SECONDS: intVar(30, 0, 60),
  REFRESH_TOKEN_TTL_SECONDS: intVar(7 * 24 * 3600, 300, 30 * 24 * 3600),
  SESSION_ABSOLUTE_TTL_SECONDS: intVar(30 * 24 * 3600, 3600, 365 * 24 * 3600),
  ARGON2_MEMORY_KIB: intVar(ARGON2_MIN.memoryKiB, ARGON2_MIN.memoryKiB, 1_048_576),
  ARGON2_TIME_COST: intVar(ARGON2_MIN.timeCost, ARGON2_MIN.timeCost, 20),
  ARGON2_PARALLELISM: intVar(ARGON2_MIN.parallelism, ARGON2_MIN.parallelism, 16),
  // Hashes computed at once (default: all cores but one, so a login storm cannot starve reads)
  // and callers allowed to wait for one; past that, 503.
  ARGON2_MAX_CONCURRENCY: intVar(Math.max(1, availableParallelism() - 1), 1, 64),
  ARGON2_MAX_WAITING: intVar(256, 0, 100_000),
});

export type AuthSettings = {
  signingKey: KeyObject;
  /** Every public key a token may be verified with: the signing key's first, then old ones. */
  verificationKeys: KeyObject[];
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  clockToleranceSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionAbsoluteTtlSeconds: number;
  argon2: { memoryCost: number; timeCost: number; parallelism: number; maxConcurrency: number; maxWaiting: number };
};

type KeyLoad<T> = { key?: T; problem?: string };

function readKey<T extends KeyObject>(variable: string, file: string, parse: (pem: string) => T): KeyLoad<T> {
  let key: T;
  try {
    key = parse(readFileSync(file, 'utf8'));
  } catch {
    return { problem: `${variable}: cannot read a PEM key from ${file}` };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    return { problem: `${variable}: ${file} must hold an RSA key of at least ${MIN_RSA_BITS} bits` };
  }
  return { key };
}

export function loadAuthSettings(e: z.infer<typeof authEnvSchema>): { settings?: AuthSettings; problems: string[] } {
  const signing = readKey('JWT_PRIVATE_KEY_FILE', e.JWT_PRIVATE_KEY_FILE, (pem) => createPrivateKey(pem));
  const previous = e.JWT_PREVIOUS_PUBLIC_KEY_FILES.map((f) =>
    readKey('JWT_PREVIOUS_PUBLIC_KEY_FILES', f, (pem) => createPublicKey(pem)),
  );
  const problems = [signing, ...previous].flatMap((k) => (k.problem ? [k.problem] : []));
  if (problems.length > 0 || !signing.key) return { problems };
  return {
    problems,
    settings: {
      signingKey: signing.key,
      verificationKeys: [createPublicKey(signing.key), ...previous.map((k) => k.key as KeyObject)],
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      clockToleranceSeconds: e.JWT_CLOCK_TOLERANCE_SECONDS,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      sessionAbsoluteTtlSeconds: e.SESSION_ABSOLUTE_TTL_SECONDS,
      argon2: {
        memoryCost: e.ARGON2_MEMORY_KIB,
        timeCost: e.ARGON2_TIME_COST,
        parallelism: e.ARGON2_PARALLELISM,
        maxConcurrency: e.ARGON2_MAX_CONCURRENCY,
        maxWaiting: e.ARGON2_MAX_WAITING,
      },
    },
  };
}
