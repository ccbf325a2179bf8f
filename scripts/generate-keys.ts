import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The uid of the `node` user the production image runs as (Dockerfile: `USER node`). */
export const CONTAINER_UID = 1000;

export type KeysReport = { lines: string[]; envFile: string };

/**
 * `npm run keys:generate -- [dir]`: the keys of a real deployment, kept out of git. Says what it
 * created and what it reused, and writes the values to `.env.production` (git-ignored, mode 600)
 * ready for `docker compose --env-file .env.production --profile prod up`, rather than printing
 * a secret to the terminal.
 */
export function generateKeys(dir: string, envFile: string, uid = process.getuid?.()): KeysReport {
  const hadSigning = existsSync(join(dir, PRIVATE_KEY_FILE));
  const hadMfa = existsSync(join(dir, MFA_KEY_FILE));
  const signing = ensureSigningKey(dir);
  const mfa = ensureMfaKey(dir);
  writeFileSync(envFile, `# Written by npm run keys:generate. Never commit this file.\nJWT_PRIVATE_KEY_FILE=${signing}\nMFA_ENCRYPTION_KEYS=${mfa}\n`, { mode: 0o600 });
  chmodSync(envFile, 0o600);
  const lines = [
    `${hadSigning ? 'reused' : 'created'} the signing key ${signing} (RSA 3072, mode 600; its public half beside it)`,
    `${hadMfa ? 'reused' : 'created'} the MFA encryption key ${join(dir, MFA_KEY_FILE)} (AES-256, mode 600)`,
    `wrote ${envFile} (mode 600, git-ignored): JWT_PRIVATE_KEY_FILE and MFA_ENCRYPTION_KEYS, ready for --env-file`,
  ];
  if (uid !== undefined && uid !== CONTAINER_UID) {
    lines.push(
      `note: the image runs as uid ${CONTAINER_UID} (node) and the key is readable by its owner only (uid ${uid}): for docker compose, run \`sudo chown ${CONTAINER_UID} ${signing}\` (it stays unreadable to anyone else)`,
    );
  }
  return { lines, envFile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = generateKeys(resolve(process.argv[2] ?? '.data/keys'), resolve('.env.production'));
  process.stdout.write(`${report.lines.join('\n')}\n`);
}
