import { describe, expect, it } from '@jest/globals';
import { generateSync } from 'otplib';
import { acceptedTotpStep, hashRecoveryCode, isRecoveryCodeShape, newRecoveryCodes, newTotpSecret } from './totp.js';

const STEP = 30;
const codeAt = (secret: string, epochSeconds: number) => generateSync({ secret, epoch: epochSeconds });
const now = () => Math.floor(Date.now() / 1000);

describe('TOTP', () => {
  it('makes 160-bit secrets', () => {
    expect(newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('accepts the current and the previous step, not older ones, nor the future', () => {
    const secret = newTotpSecret();
    expect(acceptedTotpStep(secret, codeAt(secret, now()), null)).toBe(Math.floor(now() / STEP));
    expect(acceptedTotpStep(secret, codeAt(secret, now() - STEP), null)).not.toBeNull();
    expect(acceptedTotpStep(secret, codeAt(secret, now() - 3 * STEP), null)).toBeNull();
    expect(acceptedTotpStep(secret, codeAt(secret, now() + 3 * STEP), null)).toBeNull();
  });

  it('never accepts a step at or before the last one used', () => {
    const secret = newTotpSecret();
    const code = codeAt(secret, now());
    const step = acceptedTotpStep(secret, code, null);
    expect(step).not.toBeNull();
    expect(acceptedTotpStep(secret, code, step)).toBeNull();
  });

  it('refuses anything that is not six digits', () => {
    expect(acceptedTotpStep(newTotpSecret(), '12345', null)).toBeNull();
    expect(acceptedTotpStep(newTotpSecret(), 'abcdef', null)).toBeNull();
  });
});

describe('recovery codes', () => {
  it('are ten distinct 80-bit codes, hashed ignoring case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    const code = codes[0] ?? '';
    expect(isRecoveryCodeShape(code)).toBe(true);
    expect(hashRecoveryCode(code.toLowerCase().replaceAll('-', ''))).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(code)).not.toContain(code.replaceAll('-', ''));
  });
});
