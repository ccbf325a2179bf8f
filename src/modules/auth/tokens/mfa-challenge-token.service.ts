import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../../../common/errors/app-error.js';
import { AppConfig } from '../../../config/app-config.js';
import { markSuspicious } from '../../../common/http/suspicious-input.js';
import { tokenHeaderAttack } from './token-header-attack.js';
import { SigningKeysService } from './signing-keys.service.js';

const TYP = 'mfa-challenge+jwt';
const LIFETIME_SECONDS = 300;

/** What a valid challenge says: whose login it continues, and under which credentials. */
export type MfaChallenge = { userId: string; challengeId: string; credentialsVersion: number };

/**
 * The token the password step yields when MFA is on: good for 5 minutes, for POST /auth/mfa/verify
 * only. Its own `typ` and audience mean no other route (and no access-token check) accepts it.
 * It carries the user's credentials version (`cv`): a password change or reset in between makes
 * it worthless.
 */
@Injectable()
export class MfaChallengeTokenService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AppConfig,
  ) {}

  private get audience(): string {
    return `${this.config.auth.audience}:mfa-challenge`;
  }

  issue(user: { id: string; credentialsChangedAt: Date }): string {
    return jwt.sign({ cv: user.credentialsChangedAt.getTime() }, this.keys.signingKey, {
      algorithm: 'RS256',
      keyid: this.keys.signingKid,
      header: { alg: 'RS256', typ: TYP },
      subject: user.id,
      jwtid: randomUUID(),
      issuer: this.config.auth.issuer,
      audience: this.audience,
      expiresIn: LIFETIME_SECONDS,
    });
  }

  /**
   * The user, token id and credentials version of a valid challenge, or 401. A forged header
   * (`alg: none`, HS*, an embedded key) is marked for the security trail; `where` says where the
   * token came from (`body.mfaToken`, or the challenge cookie).
   */
  verify(token: string, where = 'body.mfaToken'): MfaChallenge {
    const decoded = jwt.decode(token, { complete: true });
    const attack = decoded ? tokenHeaderAttack(decoded.header as unknown as Record<string, unknown>, where) : undefined;
    if (attack) throw markSuspicious(new UnauthorizedError('Invalid or expired MFA challenge'), attack.reason, attack.field);
    try {
      if (decoded?.header.typ !== TYP) throw new Error('wrong typ');
      const key = this.keys.verificationKey(decoded.header.kid);
      if (!key) throw new Error('unknown kid');
      const claims = jwt.verify(token, key, { algorithms: ['RS256'], issuer: this.config.auth.issuer, audience: this.audience, maxAge: LIFETIME_SECONDS });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.jti !== 'string' || typeof claims.exp !== 'number') {
        throw new Error('bad claims');
      }
      const cv: unknown = claims.cv;
      if (typeof cv !== 'number') throw new Error('bad claims');
      return { userId: claims.sub, challengeId: claims.jti, credentialsVersion: cv };
    } catch {
      throw new UnauthorizedError('Invalid or expired MFA challenge');
    }
  }
}
