import { normalizeEmail } from '../../../common/http/account-email.js';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { GoogleSettings } from '../../../config/google.config.js';

/** The provider's answer did not prove who the user is (bad, expired, foreign or replayed token). */
export class IdTokenRejectedError extends Error {}

export type GoogleIdentity = { issuer: string; subject: string; email: string; emailVerified: boolean; name: string };

/**
 * Verifies the provider's OIDC ID token: RS256 signature against the provider's published keys
 * (fetched with a timeout, cached), issuer, audience (our client id), expiry, and the nonce this
 * browser's flow generated. The signature check does not trust the token's own header for keys.
 */
export class IdTokenVerifier {
  private readonly keys;

  constructor(private readonly google: GoogleSettings) {
    this.keys = createRemoteJWKSet(new URL(google.jwksUrl), { timeoutDuration: google.timeoutMs, cooldownDuration: 30_000 });
  }

  async verify(idToken: unknown, expectedNonce: string): Promise<GoogleIdentity> {
    if (typeof idToken !== 'string') throw new IdTokenRejectedError('no ID token');
    const payload = await jwtVerify(idToken, this.keys, {
      issuer: this.google.issuers,
      audience: this.google.clientId,
      algorithms: ['RS256'],
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 30,
    }).then(
      (result) => result.payload,
      (err: unknown) => Promise.reject(new IdTokenRejectedError(err instanceof Error ? err.message : 'invalid ID token')),
    );
    if (!expectedNonce || payload.nonce !== expectedNonce) throw new IdTokenRejectedError('nonce mismatch');
    return toIdentity(payload);
  }
}

function toIdentity(p: JWTPayload): GoogleIdentity {
  const email = typeof p.email === 'string' ? normalizeEmail(p.email) : '';
  return {
    issuer: p.iss ?? '',
    subject: p.sub ?? '',
    email,
    emailVerified: p.email_verified === true || p.email_verified === 'true',
    name: typeof p.name === 'string' && p.name.trim() ? p.name.trim().slice(0, 100) : email.split('@')[0] || 'Google user',
  };
}
