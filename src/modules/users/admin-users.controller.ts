import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../common/http/request-meta.js';
import { UuidParam } from '../../common/http/uuid-param.js';
import { PaginationQueryDto } from '../../common/pagination/pagination-query.dto.js';
import type { Paginated } from '../../common/pagination/paginated.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { ChangePlanDto } from './dto/change-plan.dto.js';
import { ChangeRoleDto } from './dto/change-role.dto.js';
import { ChangeStatusDto } from './dto/change-status.dto.js';
import { UserProfileDto } from './dto/user-response.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('admin')
@Controller({ path: 'admin/users', version: '1' })
export class AdminUsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    summary: 'List users (admin)',
    description:
      'Needs `users:read:any` (admins). Answers full profiles, oldest first, paginated with `X-Total-Count`. Refuses unknown query parameters (400), callers without the permission and API keys (403).',
  })
  @Authenticated({ permissions: ['users:read:any'] })
  @ApiOkResponse({ type: [UserProfileDto] })
  list(@Query() query: PaginationQueryDto): Promise<Paginated<UserProfileDto>> {
    return this.users.list(query);
  }

  @Patch(':id/role')
  @ApiOperation({
    summary: "Change a user's role (admin)",
    description:
      "Needs `users:manage` (admins). Sets the role (`user`, `moderator`, `admin`) and ends the user's sessions; the caller's right is re-checked under a lock; audited. Refuses callers without the permission and API keys (403), an unknown user (404 `User not found`) and demoting the last admin (409).",
  })
  @Authenticated({ permissions: ['users:manage'] })
  @ApiOkResponse({ type: UserProfileDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The last admin cannot be demoted' })
  changeRole(
    @CurrentUser() actor: AuthUser,
    @UuidParam() id: string,
    @Body() dto: ChangeRoleDto,
    @ReqMeta() meta: RequestMeta,
  ): Promise<UserProfileDto> {
    return this.users.changeRole(actor, id, dto.role, meta);
  }

  @Patch(':id/status')
  @ApiOperation({
    summary: 'Enable or disable a user (admin)',
    description:
      'Needs `users:manage` (admins). `disabled` revokes every session and API key of the user at once, on every instance; `active` restores sign-in, not the revoked keys; audited. Refuses callers without the permission and API keys (403), an unknown user (404), and disabling oneself or the last admin (409).',
  })
  @Authenticated({ permissions: ['users:manage'] })
  @ApiOkResponse({ type: UserProfileDto, description: 'disabled: every session and API key of the user stops at once, on every instance' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Admins cannot disable themselves or the last admin' })
  changeStatus(
    @CurrentUser() actor: AuthUser,
    @UuidParam() id: string,
    @Body() dto: ChangeStatusDto,
    @ReqMeta() meta: RequestMeta,
  ): Promise<UserProfileDto> {
    return this.users.changeStatus(actor, id, dto.status, meta);
  }

  @Patch(':id/plan')
  @ApiOperation({
    summary: "Change a user's plan (admin)",
    description:
      'Needs `users:manage` (admins). Sets the rate-limit plan (`DEFAULT`, `PREMIUM`, `ENTERPRISE`); audited. Refuses callers without the permission and API keys (403) and an unknown user (404).',
  })
  @Authenticated({ permissions: ['users:manage'] })
  @ApiOkResponse({ type: UserProfileDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  changePlan(
    @CurrentUser() actor: AuthUser,
    @UuidParam() id: string,
    @Body() dto: ChangePlanDto,
    @ReqMeta() meta: RequestMeta,
  ): Promise<UserProfileDto> {
    return this.users.changePlan(actor, id, dto.plan, meta);
  }
}
