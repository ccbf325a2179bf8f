import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import passportJwt from 'passport-jwt';
import { AppConfig } from '../../../config/app-config.js';
import { Role } from '../../../generated/prisma/enums.js';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import { markSuspicious } from '../../../common/http/suspicious-input.js';
import { tokenHeaderAttack } from '../tokens/token-header-attack.js';
import { SessionsService } from '../sessions.service.js';
import { ACCESS_TOKEN_TYP, type AccessTokenClaims } from '../tokens/access-token.service.js';
import { SigningKeysService } from '../tokens/signing-keys.service.js';

const { ExtractJwt, Strategy } = passportJwt;

/** Header fields that would let a token choose its own verification key (RFC 8725 §3.10). */
const FORBIDDEN_HEADER_FIELDS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'];
const ROLES = new Set<string>(Object.values(Role));

export class TokenRejectedError extends Error {}

/**
 * Picks the verification key from the token header, refusing anything but our own access
 * tokens: RS256 only (no `none`, no HS256 keyed with the public key), `typ: at+jwt` only, a
 * `kid` we issued, and no embedded or remote keys. Nothing is ever fetched. A header that is an
 * attack marks the request for the security trail (LOG-04).
 */
function keyFor(keys: SigningKeysService, rawJwt: string, req: Request) {
  const decoded = jwt.decode(rawJwt, { complete: true });
  const header = decoded?.header as unknown as Record<string, unknown> | undefined;
  const attack = header && tokenHeaderAttack(header, 'header.authorization');
  if (attack) markSuspicious(req, attack.reason, attack.field);
  if (!header || attack || header.alg !== 'RS256' || header.typ !== ACCESS_TOKEN_TYP) return undefined;
  if (FORBIDDEN_HEADER_FIELDS.some((f) => f in header)) return undefined;
  return keys.verificationKey(header.kid);
}

function isWellFormed(c: Partial<AccessTokenClaims>, maxTtl: number, toleranceSeconds: number): c is AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return (
    typeof c.sub === 'string' &&
    typeof c.sid === 'string' &&
    typeof c.jti === 'string' &&
    typeof c.role === 'string' &&
    ROLES.has(c.role) &&
    // jsonwebtoken accepts a token without `exp`; we do not, nor one that lives too long.
    typeof c.exp === 'number' &&
    typeof c.iat === 'number' &&
    c.exp - c.iat <= maxTtl &&
    // Measured from now as well: a token cannot buy a longer life by claiming a later `iat`...
    c.exp - now <= maxTtl + toleranceSeconds &&
    // ...nor be issued in the future, beyond the clock skew we tolerate.
    c.iat <= now + toleranceSeconds
  );
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    keys: SigningKeysService,
    private readonly config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      // The Authorization header only: tokens in query strings end up in logs and referrers.
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (req: Request, rawJwt: string, done: (err: unknown, key?: string) => void) => {
        const key = keyFor(keys, rawJwt, req);
        // jsonwebtoken takes the KeyObject as it is (typed as string in passport-jwt's types).
        done(key ? null : new TokenRejectedError('unacceptable token header'), key as unknown as string);
      },
      algorithms: ['RS256'],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: config.auth.clockToleranceSeconds },
    });
  }

  /** After the signature, iss, aud, exp and nbf checks: the claims' shape and times, the session's life. */
  async validate(claims: Partial<AccessTokenClaims>): Promise<AuthUser | false> {
    if (!isWellFormed(claims, this.config.auth.accessTokenTtlSeconds, this.config.auth.clockToleranceSeconds)) return false;
    // Logout, password change, role change and disabling revoke the session: its access tokens
    // die with it on every instance (SessionStateCache drops it when the auth_state notice lands).
    const current = await this.sessions.activeSessionUser(claims.sid, claims.sub);
    if (!current) return false;
    return { id: claims.sub, role: current.role, plan: current.plan, sessionId: claims.sid, tokenId: claims.jti, authenticatedAt: current.startedAt };
  }
}
