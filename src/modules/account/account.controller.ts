import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiOperation } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../common/http/request-meta.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { AccountService } from './account.service.js';
import { AccountExportDto, DeleteAccountDto } from './dto/account.dto.js';

/** The account itself: delete it, or take a copy of everything it holds. API keys may do neither. */
@ApiTags('users')
@Controller({ path: 'users/me', version: '1' })
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Delete()
  @ApiOperation({
    summary: 'Delete your account',
    description:
      'Signed in (access token); with the password (and a code when MFA is on), or a sign-in within 10 minutes when the account has no password. Deletes the account with every post, session, API key and linked sign-in; the audit trail stays. Refuses a wrong password or code (401 `Invalid password or code`), a stale session on an account without password, and API keys (403), the last admin (409) and too many wrong attempts (429).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted, with every post, session, API key and linked sign-in; the audit trail stays' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'No password on the account and the session is older than 10 minutes' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The last admin cannot delete their account' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many wrong passwords or codes for this account' })
  delete(@CurrentUser() user: AuthUser, @Body() dto: DeleteAccountDto, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.account.delete(user, dto, meta);
  }

  @Get('export')
  @ApiOperation({
    summary: 'Export your account data',
    description:
      'Signed in (access token). Answers a JSON attachment with the profile, posts, sessions, API keys (never the keys themselves), linked identities and the own audit events. Refuses API keys (403) and more than 5 exports an hour (429).',
  })
  @Authenticated()
  @Header('Content-Disposition', 'attachment; filename="account-export.json"')
  @ApiOkResponse({ type: AccountExportDto, description: 'A JSON attachment: profile, posts, sessions, API keys, linked identities, own audit events' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'ACCOUNT_EXPORT_PER_HOUR (5) per user' })
  export(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta): Promise<AccountExportDto> {
    return this.account.export(user, meta);
  }
}
