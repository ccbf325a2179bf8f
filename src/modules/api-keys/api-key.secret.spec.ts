import { describe, expect, it } from '@jest/globals';
import { hashToken, sameHash } from '../../common/crypto/opaque-token.js';
import { newApiKey, prefixOf } from './api-key.secret.js';

describe('API key secrets', () => {
  it('are sk_<prefix>_<256-bit secret>, found again by their prefix', () => {
    const { key, prefix } = newApiKey();
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(Buffer.from(key.slice(prefix.length + 1), 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(prefixOf(key)).toBe(prefix);
  });

  it('refuse malformed keys before any lookup', () => {
    for (const bad of ['', 'sk_short_x', `pk_${'a'.repeat(12)}_${'b'.repeat(43)}`, `${newApiKey().key}x`]) expect(prefixOf(bad)).toBeNull();
  });

  it('are stored as SHA-256 and compared in constant time', () => {
    const { key } = newApiKey();
    expect(hashToken(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(hashToken(key), hashToken(key))).toBe(true);
    expect(sameHash(hashToken(key), hashToken(`${key}x`))).toBe(false);
  });
});
