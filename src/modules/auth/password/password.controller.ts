import { Body, Controller, HttpCode, HttpStatus, Patch, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiNoContentResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, ApiOperation } from '@nestjs/swagger';
import { Public } from '../../../common/auth/public.decorator.js';
import { ErrorResponseDto } from '../../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../../common/http/request-meta.js';
import { Authenticated } from '../../../common/auth/authenticated.decorator.js';
import { Throttle } from '@nestjs/throttler';
import { FROM_CONFIG } from '../../../common/auth/throttle.js';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import { CurrentUser } from '../../../common/auth/current-user.decorator.js';
import { AcceptedDto, ChangePasswordDto, ForgotPasswordDto, ResetPasswordDto } from '../dto/password.dto.js';
import { PasswordResetService } from '../password-reset/password-reset.service.js';
import { PasswordChangeService } from './password-change.service.js';

@ApiTags('auth')
@Controller({ version: '1' })
export class PasswordController {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly changes: PasswordChangeService,
  ) {}

  @Post('auth/forgot-password')
  @ApiOperation({
    summary: 'Request a password reset link',
    description:
      'Public. Mails a single-use reset link when the account exists; the answer is the same 202 either way. Refuses an invalid body (400) and too many requests (429).',
  })
  @Public()
  @Throttle({ passwordReset: FROM_CONFIG })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'Always, whether or not the account exists' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  forgot(@Body() dto: ForgotPasswordDto, @ReqMeta() meta: RequestMeta): AcceptedDto {
    return this.resets.request(dto.email, meta);
  }

  @Post('auth/reset-password')
  @ApiOperation({
    summary: 'Reset the password with a mailed token',
    description:
      'Public. Sets a new password from a reset token and ends every session of the user. Refuses an invalid or expired token (400 `Invalid or expired reset token`), a password failing the policy (400) and too many attempts (429).',
  })
  @Public()
  @Throttle({ passwordReset: FROM_CONFIG })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Password set; every session ended' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid or expired token, or a weak password' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  reset(@Body() dto: ResetPasswordDto, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.resets.reset(dto.token, dto.password, meta);
  }

  @Patch('users/me/password')
  @ApiOperation({
    summary: 'Change your password',
    description:
      'Signed in (access token), with the current password. Ends the other sessions, pending reset links and MFA challenges, and every API key when `revokeApiKeys` is set. Refuses a wrong current password (401 `Current password is incorrect`), a password failing the policy (400), API keys (403) and too many wrong passwords (429).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Password changed; other sessions, reset links and MFA challenges ended (and API keys with revokeApiKeys)' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Current password is incorrect' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many wrong passwords for this account' })
  change(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.changes.change(user, dto, meta);
  }
}
