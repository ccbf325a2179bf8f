import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { SecretCipher } from './secret-cipher.js';

const keys = new Map([
  ['old', randomBytes(32)],
  ['new', randomBytes(32)],
]);

describe('SecretCipher (AES-256-GCM)', () => {
  const cipher = new SecretCipher(keys, 'new');

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.seal('JBSWY3DPEHPK3PXP', 'user-1');
    expect(sealed.keyId).toBe('new');
    expect(sealed.ciphertext).not.toContain('JBSWY3DPEHPK3PXP');
    expect(cipher.open(sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('uses a fresh 96-bit IV for every value', () => {
    const a = cipher.seal('same', 'u');
    const b = cipher.seal('same', 'u');
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(Buffer.from(a.ciphertext.split('.')[0] ?? '', 'base64url')).toHaveLength(12);
  });

  it('refuses a tampered ciphertext, another owner, or an unknown key', () => {
    const sealed = cipher.seal('secret', 'user-1');
    const [iv, body, tag] = sealed.ciphertext.split('.');
    const flipped = Buffer.from(body ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => cipher.open({ ...sealed, ciphertext: [iv, flipped.toString('base64url'), tag].join('.') }, 'user-1')).toThrow();
    expect(() => cipher.open(sealed, 'user-2')).toThrow();
    expect(() => cipher.open({ ...sealed, keyId: 'gone' }, 'user-1')).toThrow();
  });

  it('still opens values sealed with an older key after rotation', () => {
    const sealed = new SecretCipher(keys, 'old').seal('rotating', 'u');
    expect(cipher.open(sealed, 'u')).toBe('rotating');
  });
});
