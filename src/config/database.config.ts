import { z } from 'zod';
import { intVar } from './env.js';

export const databaseEnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_POOL_SIZE: intVar(10, 1, 200),
});

export type DatabaseSettings = { url: string; poolSize: number };

/** Passwords that ship in examples and compose files; refused in production. */
const PLACEHOLDER_PASSWORDS = new Set(['', 'postgres', 'password', 'changeme', 'secret', 'example']);

export function databaseProductionProblems(url: string): string[] {
  const password = decodeURIComponent(new URL(url).password);
  return PLACEHOLDER_PASSWORDS.has(password.toLowerCase())
    ? ['DATABASE_URL: uses an empty or placeholder password; set a strong one in production']
    : [];
}

export function toDatabaseSettings(e: z.infer<typeof databaseEnvSchema>): DatabaseSettings {
  return { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE };
}
