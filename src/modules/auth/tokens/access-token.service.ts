import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { AppConfig } from '../../../config/app-config.js';
import type { Role } from '../../../generated/prisma/enums.js';
import { SigningKeysService } from './signing-keys.service.js';

/** RFC 9068 `typ` for access tokens: no other token kind carries it, so none can pose as one. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

export type AccessTokenClaims = {
  sub: string;
  role: Role;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
};

@Injectable()
export class AccessTokenService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AppConfig,
  ) {}

  /** Claims hold ids and the role only: no personal data travels in a readable token. */
  issue(user: { id: string; role: Role }, sessionId: string): { token: string; expiresIn: number } {
    const { issuer, audience, accessTokenTtlSeconds } = this.config.auth;
    const token = jwt.sign({ role: user.role, sid: sessionId }, this.keys.signingKey, {
      algorithm: 'RS256',
      keyid: this.keys.signingKid,
      header: { alg: 'RS256', typ: ACCESS_TOKEN_TYP },
      subject: user.id,
      jwtid: randomUUID(),
      issuer,
      audience,
      expiresIn: accessTokenTtlSeconds,
    });
    return { token, expiresIn: accessTokenTtlSeconds };
  }
}
