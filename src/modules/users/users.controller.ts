import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation, getSchemaPath } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { UuidParam } from '../../common/http/uuid-param.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { UpdateProfileDto } from './dto/update-profile.dto.js';
import { PublicUserDto, UserProfileDto } from './dto/user-response.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiExtraModels(PublicUserDto, UserProfileDto)
@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({
    summary: 'Get your profile',
    description:
      'Signed in, or an API key with `profile:read`. Answers the full profile of the caller.',
  })
  @Authenticated({ apiKeyScope: 'profile:read' })
  @ApiOkResponse({ type: UserProfileDto })
  me(@CurrentUser() user: AuthUser): Promise<UserProfileDto> {
    return this.users.getProfile(user.id);
  }

  @Patch('me')
  @ApiOperation({
    summary: 'Update your name',
    description:
      'Signed in (access token). Changes the display name only; other fields are refused as unknown (400). Refuses API keys (403).',
  })
  @Authenticated()
  @ApiOkResponse({ type: UserProfileDto })
  updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateProfileDto): Promise<UserProfileDto> {
    return this.users.updateName(user.id, dto.name);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a user',
    description:
      'Signed in (access token). Answers the public fields of a user, or the full profile for oneself or a caller with `users:read:any`. Refuses API keys (403) and an unknown user (404 `User not found`).',
  })
  @Authenticated()
  // anyOf, not oneOf: a profile also carries every public field, so it would match both.
  @ApiOkResponse({
    description: 'Public fields; the full profile for oneself or an admin',
    schema: { anyOf: [{ $ref: getSchemaPath(PublicUserDto) }, { $ref: getSchemaPath(UserProfileDto) }] },
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  findOne(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<PublicUserDto | UserProfileDto> {
    return this.users.getById(user, id);
  }
}
