import { createHmac, createPublicKey } from 'node:crypto';
import { decodeJwt, signJwt, testSigningKey } from '../../../security/support/auth-flows.js';
import type { Credential } from './request-arbitrary.js';

/** What the credentials are made from, at the moment a request is sent. */
export type Wallet = { attackerAccessToken: string; attackerApiKey: string; adminAccessToken: string; victimId: string };

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Header values fetch can send: no control characters, nothing past Latin-1. */
export const headerSafe = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

/**
 * Tokens an attacker can make from its own: the claims rewritten to the victim as an admin, and
 * signed with `none`, with HS256 keyed by the public key, or not re-signed at all; plus an expired
 * token with a valid signature (which only the server's key could have made).
 */
export class ForgedTokens {
  private forToken = '';
  private cache = new Map<string, string>();

  constructor(private readonly publicPem = createPublicKey(testSigningKey()).export({ type: 'spki', format: 'pem' }).toString()) {}

  of(kind: 'alg-none' | 'hs256-public-key' | 'tampered' | 'expired', wallet: Wallet): string {
    if (this.forToken !== wallet.attackerAccessToken) {
      this.forToken = wallet.attackerAccessToken;
      this.cache = new Map();
    }
    let token = this.cache.get(kind);
    if (!token) this.cache.set(kind, (token = this.forge(kind, wallet)));
    return token;
  }

  private forge(kind: 'alg-none' | 'hs256-public-key' | 'tampered' | 'expired', wallet: Wallet): string {
    const { header, payload } = decodeJwt(wallet.attackerAccessToken);
    const escalated = { ...payload, sub: wallet.victimId, role: 'admin' };
    const [, , signature] = wallet.attackerAccessToken.split('.');
    switch (kind) {
      case 'alg-none':
        return `${b64url({ ...header, alg: 'none' })}.${b64url(escalated)}.`;
      case 'hs256-public-key': {
        const signingInput = `${b64url({ ...header, alg: 'HS256' })}.${b64url(escalated)}`;
        return `${signingInput}.${createHmac('sha256', this.publicPem).update(signingInput).digest('base64url')}`;
      }
      case 'tampered':
        return `${b64url(header)}.${b64url(escalated)}.${signature}`;
      case 'expired': {
        const now = Math.floor(Date.now() / 1000);
        return signJwt(header, { ...payload, iat: now - 7_200, exp: now - 3_600 }, testSigningKey());
      }
    }
  }
}

/** The Authorization / X-API-Key headers a credential kind stands for. */
export function credentialHeaders(kind: Credential, wallet: Wallet, garbage: string, forged: ForgedTokens): Record<string, string> {
  const junk = headerSafe(garbage);
  switch (kind) {
    case 'attacker-bearer':
      return { authorization: `Bearer ${wallet.attackerAccessToken}` };
    case 'attacker-api-key':
      return { 'x-api-key': wallet.attackerApiKey };
    case 'bearer-and-api-key':
      return { authorization: `Bearer ${wallet.attackerAccessToken}`, 'x-api-key': wallet.attackerApiKey };
    case 'admin-bearer':
      return { authorization: `Bearer ${wallet.adminAccessToken}` };
    case 'none':
      return {};
    case 'garbled-bearer':
      return { authorization: `Bearer ${junk}` };
    case 'empty-bearer':
      return { authorization: 'Bearer ' };
    case 'wrong-scheme':
      return { authorization: `Basic ${Buffer.from(`admin:${junk}`).toString('base64')}` };
    case 'garbled-api-key':
      return { 'x-api-key': junk.length % 2 === 0 ? `${wallet.attackerApiKey.slice(0, -2)}${junk}` : junk };
    default:
      return { authorization: `Bearer ${forged.of(kind, wallet)}` };
  }
}
