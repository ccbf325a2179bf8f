import { describe, expect, it } from '@jest/globals';
import { LoginDto } from '../../modules/auth/dto/login.dto.js';
import { CONTROL_CHARACTER, fieldPath } from './suspicious-input.js';

describe('suspicious input marks', () => {
  it('keeps in a field path only names the API chose: declared properties, indices, prototype keys', () => {
    expect(LoginDto.name).toBe('LoginDto'); // loaded: its decorated properties are declared
    expect(fieldPath('body', ['password'])).toBe('body.password');
    expect(fieldPath('body', ['email', '__proto__'])).toBe('body.email.__proto__');
    expect(fieldPath('body', ['admin_pw_is_hunter2', 'constructor'])).toBe('body.?.constructor');
    expect(fieldPath('query', ['AnyName'])).toBe('query.?');
    expect(fieldPath('body', ['x"\n{evil}', 3])).toBe('body.?.3');
    expect(fieldPath('body', Array.from({ length: 10 }, (_, i) => i))).toBe('body.0.1.2.3.4.5.6.7.…');
  });

  it('flags control characters no honest text holds, and lets whitespace through', () => {
    for (const c of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0008']) expect(CONTROL_CHARACTER.test(`a${c}b`)).toBe(true);
    for (const c of ['\t', '\n', '\r', '\u000b', '\u000c', 'é', '😀']) expect(CONTROL_CHARACTER.test(`a${c}b`)).toBe(false);
  });
});
