import { createHash, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';

export type PublicJwk = JsonWebKey & { kid: string; use: 'sig'; alg: 'RS256' };

/** RFC 7638 thumbprint: a `kid` derived from the key itself, so it can never point elsewhere. */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The RS256 keys: one signs, all verify (old keys stay during rotation). Public keys are held as
 * KeyObjects built once per `kid`, so a request never re-parses a PEM.
 */
@Injectable()
export class SigningKeysService {
  readonly signingKey: KeyObject;
  readonly signingKid: string;
  private readonly verification = new Map<string, KeyObject>();
  private readonly jwks: { keys: PublicJwk[] };

  constructor(config: AppConfig) {
    this.signingKey = config.auth.signingKey;
    for (const key of config.auth.verificationKeys) this.verification.set(jwkThumbprint(key), key);
    this.signingKid = jwkThumbprint(config.auth.verificationKeys[0] as KeyObject);
    this.jwks = {
      keys: [...this.verification].map(([kid, key]) => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' })),
    };
  }

  /** The verification key for a `kid`, or undefined: unknown ids are never looked up elsewhere. */
  verificationKey(kid: unknown): KeyObject | undefined {
    return typeof kid === 'string' ? this.verification.get(kid) : undefined;
  }

  publicJwks(): { keys: PublicJwk[] } {
    return this.jwks;
  }
}
