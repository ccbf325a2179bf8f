import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type Sealed = { ciphertext: string; keyId: string };

/**
 * AES-256-GCM for secrets at rest: a fresh random 96-bit IV per value, the 128-bit tag checked on
 * every read, and `context` (the owner's id) bound as associated data, so a ciphertext copied to
 * another row does not decrypt. `keyId` is stored beside it so keys can rotate.
 */
export class SecretCipher {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly activeKeyId: string,
  ) {}

  seal(plaintext: string, context: string): Sealed {
    const key = this.key(this.activeKeyId);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const ciphertext = [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
    return { ciphertext, keyId: this.activeKeyId };
  }

  open(sealed: Sealed, context: string): string {
    const [iv, body, tag] = sealed.ciphertext.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !body || !tag || iv.length !== 12 || tag.length !== 16) throw new Error('malformed ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.key(sealed.keyId), iv).setAAD(Buffer.from(context, 'utf8')).setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }

  private key(id: string): Buffer {
    const key = this.keys.get(id);
    if (!key) throw new Error(`no encryption key ${id}`);
    return key;
  }
}
