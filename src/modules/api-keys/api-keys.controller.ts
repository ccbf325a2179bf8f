import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../common/http/request-meta.js';
import { UuidParam } from '../../common/http/uuid-param.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';

/** Key management needs a signed-in user: an API key can never create, list or revoke keys. */
@ApiTags('api-keys')
@Controller({ path: 'api-keys', version: '1' })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'Signed in within 10 minutes, or with the password in the body; an API key can never create keys. Answers the key once, in this response only, with its scopes and expiry. Refuses an invalid scope or expiry (400), a wrong password (401 `Invalid password`), a stale sign-in without password or an API key (403), too many active keys (409) and too many attempts (429).',
  })
  @Authenticated({ recentAuthentication: true })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key is in this response only' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Too many active keys' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateApiKeyDto, @ReqMeta() meta: RequestMeta): Promise<CreatedApiKeyDto> {
    return this.keys.create(user, dto, meta);
  }

  @Get()
  @ApiOperation({
    summary: 'List your API keys',
    description:
      'Signed in (access token). Answers the keys of the user with name, scopes, prefix and dates, never the key itself. Refuses API keys (403).',
  })
  @Authenticated()
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(@CurrentUser() user: AuthUser): Promise<ApiKeyDto[]> {
    return this.keys.list(user);
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'Signed in (access token). Revokes the key at once. Refuses a key that does not exist or belongs to another user with the same answer (404 `API key not found`), and API keys (403).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Revoked at once' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  revoke(@CurrentUser() user: AuthUser, @UuidParam() id: string, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.keys.revoke(user, id, meta);
  }
}
