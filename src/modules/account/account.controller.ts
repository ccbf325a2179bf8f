import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
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
  @Authenticated()
  @Header('Content-Disposition', 'attachment; filename="account-export.json"')
  @ApiOkResponse({ type: AccountExportDto, description: 'A JSON attachment: profile, posts, sessions, API keys, linked identities, own audit events' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'ACCOUNT_EXPORT_PER_HOUR (5) per user' })
  export(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta): Promise<AccountExportDto> {
    return this.account.export(user, meta);
  }
}
