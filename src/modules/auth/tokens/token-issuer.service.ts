import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../../common/http/request-meta.js';
import type { Role } from '../../../generated/prisma/enums.js';
import type { TokenResponseDto } from '../dto/token-response.dto.js';
import { AccessTokenService } from './access-token.service.js';
import { RefreshSessionsService, type SignedInUser } from './refresh-sessions.service.js';

/** The end of every successful login (password, MFA, Google): a new session and its token pair. */
@Injectable()
export class TokenIssuerService {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly refreshSessions: RefreshSessionsService,
  ) {}

  async startSession(user: SignedInUser, meta: RequestMeta): Promise<TokenResponseDto> {
    const { sessionId, refreshToken } = await this.refreshSessions.start(user, meta);
    return this.pair(user, sessionId, refreshToken);
  }

  pair(user: { id: string; role: Role }, sessionId: string, refreshToken: string): TokenResponseDto {
    const access = this.accessTokens.issue(user, sessionId);
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }
}
