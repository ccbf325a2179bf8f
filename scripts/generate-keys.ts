import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PRIVATE_KEY_FILE = 'jwt-private.pem';

/**
 * Creates an RS256 signing key (RSA 3072, private key readable by the owner only) in `dir`
 * unless one is there. Returns the private key's path.
 */
export function ensureSigningKey(dir: string): string {
  const file = join(dir, PRIVATE_KEY_FILE);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'jwt-public.pem'), publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644 });
  return file;
}

export const MFA_KEY_FILE = 'mfa-encryption.key';

/**
 * Creates a 256-bit AES key for TOTP secrets in `dir` unless one is there; returns the value for
 * MFA_ENCRYPTION_KEYS (`id:base64`). The id is the creation date, so rotated keys sort in order.
 */
export function ensureMfaKey(dir: string): string {
  const file = join(dir, MFA_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const id = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    writeFileSync(file, `${id}:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

// `npm run keys:generate -- <dir>`: the keys of a real deployment (keep them out of git).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.argv[2] ?? '.data/keys');
  process.stdout.write(`JWT_PRIVATE_KEY_FILE=${ensureSigningKey(dir)}\nMFA_ENCRYPTION_KEYS=<the line in ${join(dir, MFA_KEY_FILE)}>\n`);
  ensureMfaKey(dir);
}
