import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verifySync } from 'otplib';
import { hashToken } from '../../../common/crypto/opaque-token.js';

/** RFC 6238 with the authenticator-app defaults: SHA-1, 6 digits, 30-second steps. */
const SECRET_BYTES = 20; // 160 bits, RFC 4226's recommended length

export function newTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

export function otpauthUrl(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret });
}

/**
 * The time step a code belongs to, or null. Accepts the current step and one on either side (clock
 * drift), never a step at or before `lastUsedStep`: a code works once, and old codes never.
 */
export function acceptedTotpStep(secret: string, code: string, lastUsedStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const result = verifySync({ secret, token: code, epochTolerance: 30, ...(lastUsedStep !== null && { afterTimeStep: lastUsedStep }) });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

const RECOVERY_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Ten one-time recovery codes of 80 random bits each, as `XXXX-XXXX-XXXX-XXXX`. */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(16)].map((b) => RECOVERY_ALPHABET[b % 32]).join('');
    return chars.match(/.{4}/g)?.join('-') ?? chars;
  });
}

export function isRecoveryCodeShape(code: string): boolean {
  return /^[A-Za-z0-9]{4}(-?[A-Za-z0-9]{4}){3}$/.test(code.trim());
}

/** Stored form of a recovery code: SHA-256 of its canonical spelling (case and dashes ignored). */
export function hashRecoveryCode(code: string): string {
  return hashToken(code.trim().toUpperCase().replaceAll('-', ''));
}
