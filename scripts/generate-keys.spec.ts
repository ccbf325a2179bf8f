import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CONTAINER_UID, generateKeys, MFA_KEY_FILE } from './generate-keys.js';

describe('npm run keys:generate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-'));
  const envFile = join(dir, '.env.production');

  it('says what it created, writes paste-ready values to a mode-600 env file, and never prints the MFA key', () => {
    const first = generateKeys(join(dir, 'keys'), envFile, CONTAINER_UID);
    expect(first.lines[0]).toMatch(/^created the signing key /);
    expect(first.lines[1]).toMatch(/^created the MFA encryption key /);
    const mfa = readFileSync(join(dir, 'keys', MFA_KEY_FILE), 'utf8').trim();
    expect(readFileSync(envFile, 'utf8')).toContain(`MFA_ENCRYPTION_KEYS=${mfa}\n`);
    expect(readFileSync(envFile, 'utf8')).toContain(`JWT_PRIVATE_KEY_FILE=${join(dir, 'keys', 'jwt-private.pem')}\n`);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(first.lines.join('\n')).not.toContain(mfa.split(':')[1]);
  });

  it('says so when it reuses keys, and how to let the container user read the key when uids differ', () => {
    const again = generateKeys(join(dir, 'keys'), envFile, 4242);
    expect(again.lines[0]).toMatch(/^reused the signing key /);
    expect(again.lines[1]).toMatch(/^reused the MFA encryption key /);
    expect(again.lines.at(-1)).toMatch(/sudo chown 1000 /);
  });
});
