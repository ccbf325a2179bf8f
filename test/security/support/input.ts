import { randomBytes } from 'node:crypto';

/** Helpers shared by the input suites (API2 passwords, API8 validation and headers). */

/** A JSON document of about `bytes` bytes: credentials with a huge password. */
export function oversizedJson(bytes: number): string {
  return JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(bytes) });
}

/** `length` random lower-case letters: no digit, capital or symbol. */
export function randomLetters(length: number): string {
  return [...randomBytes(length)].map((b) => String.fromCharCode(97 + (b % 26))).join('');
}
