import { describe, expect, it } from '@jest/globals';
import { passwordPolicyViolation } from './password-policy.js';

describe('password policy', () => {
  it.each([
    ['a long passphrase with spaces', 'correct horse battery staple'],
    ['unicode, counted in characters', 'pässwörd-ünïcödé-🔐🔐'],
    ['exactly 12 characters', 'abcdefghijk!'],
    ['128 characters', 'x'.repeat(127) + 'y'],
    ['no digits, symbols or capitals', 'plainlowercaseonlywords'],
  ])('accepts %s', (_name, password) => {
    expect(passwordPolicyViolation(password, 'someone@example.com')).toBeUndefined();
  });

  it.each([
    ['11 characters', 'abcdefghijk', /at least 12/],
    ['11 emoji count as 11, not 22', '🔐'.repeat(11), /at least 12/],
    ['129 characters', 'x'.repeat(129), /at most 128/],
    ['a common password', 'qwerty123456', /too common/],
    ['a common password in other case', 'QWERTY123456', /too common/],
    ['the email name inside', 'janedoe-is-great', /email/],
  ])('refuses %s', (_name, password, message) => {
    expect(passwordPolicyViolation(password, 'JaneDoe@example.com')).toMatch(message);
  });

  it('ignores a very short email name (it would forbid too much)', () => {
    expect(passwordPolicyViolation('my jo password here', 'jo@example.com')).toBeUndefined();
  });
});
