import { Controller, Delete, Get, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../common/http/request-meta.js';
import { UuidParam } from '../../common/http/uuid-param.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { SessionDto } from './dto/session.dto.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@Controller({ path: 'auth/sessions', version: '1' })
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({
    summary: 'List your active sessions',
    description:
      'Signed in (access token). Answers the active sessions of the user (user agent, address, dates), marking the current one. Refuses API keys (403).',
  })
  @Authenticated()
  @ApiOkResponse({ type: [SessionDto] })
  list(@CurrentUser() user: AuthUser): Promise<SessionDto[]> {
    return this.sessions.list(user);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'End one of your sessions',
    description:
      'Signed in (access token). Ends the session at once. Refuses a session that does not exist or belongs to another user with the same answer (404 `Session not found`), and API keys (403).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Session ended' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  revoke(@CurrentUser() user: AuthUser, @UuidParam() id: string, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.sessions.revokeOwn(user, id, meta);
  }
}

/** Admins end every session of a user (e.g. a compromised account). */
@ApiTags('admin')
@Controller({ path: 'admin/users', version: '1' })
export class AdminSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Delete(':id/sessions')
  @ApiOperation({
    summary: 'End every session of a user (admin)',
    description:
      'Needs `users:manage` (admins). Ends every session of the user at once, e.g. for a compromised account; the action is audited. Refuses callers without the permission and API keys (403).',
  })
  @Authenticated({ permissions: ['users:manage'] })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Every session of the user ended' })
  async revokeAll(@CurrentUser() admin: AuthUser, @UuidParam() id: string, @ReqMeta() meta: RequestMeta): Promise<void> {
    await this.sessions.revokeAll(id, 'admin-revoked', meta, admin.id);
  }
}
