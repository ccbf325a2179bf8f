import { describe, expect, it } from '@jest/globals';
import { generateOpaqueToken, hashToken } from './opaque-token.js';

describe('opaque tokens', () => {
  it('are 256 random bits, base64url', () => {
    const token = generateOpaqueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 1000 }, () => generateOpaqueToken())).size).toBe(1000);
  });

  it('are stored as their SHA-256 hex digest', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = generateOpaqueToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token);
  });
});
