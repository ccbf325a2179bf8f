import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

// `npm run keys:generate -- <dir>`: a key pair for a real deployment (keep it out of git).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.argv[2] ?? '.data/keys');
  process.stdout.write(`${ensureSigningKey(dir)}\n`);
}
