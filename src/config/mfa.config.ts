import { z } from 'zod';
import { listVar } from './env.js';

export const mfaEnvSchema = z.object({
  // TOTP secrets are encrypted at rest with AES-256-GCM. Keys as `id:base64` (32 bytes each),
  // comma-separated; old keys stay listed to decrypt what they encrypted (rotation).
  MFA_ENCRYPTION_KEYS: listVar(),
  MFA_ENCRYPTION_KEY_ID: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
  MFA_ISSUER: z.string().min(1).max(64).default('Secure API'),
});

export type MfaSettings = { keys: Map<string, Buffer>; activeKeyId: string; issuer: string };

export function loadMfaSettings(e: z.infer<typeof mfaEnvSchema>): { settings?: MfaSettings; problems: string[] } {
  const keys = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const entry of e.MFA_ENCRYPTION_KEYS) {
    const [id, material] = entry.split(':');
    const key = Buffer.from(material ?? '', 'base64');
    if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) problems.push(`MFA_ENCRYPTION_KEYS: each entry must be id:<32 bytes in base64>`);
    else keys.set(id, key);
  }
  if (keys.size === 0) problems.push('MFA_ENCRYPTION_KEYS: required (generate one with `npm run keys:generate`)');
  const activeKeyId = e.MFA_ENCRYPTION_KEY_ID ?? [...keys.keys()][0] ?? '';
  if (keys.size > 0 && !keys.has(activeKeyId)) problems.push('MFA_ENCRYPTION_KEY_ID: names no key of MFA_ENCRYPTION_KEYS');
  return problems.length > 0 ? { problems } : { problems, settings: { keys, activeKeyId, issuer: e.MFA_ISSUER } };
}
