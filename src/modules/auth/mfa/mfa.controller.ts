import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../../common/auth/public.decorator.js';
import { ErrorResponseDto } from '../../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../../common/http/request-meta.js';
import { Authenticated } from '../../../common/auth/authenticated.decorator.js';
import { Throttle } from '@nestjs/throttler';
import { FROM_CONFIG } from '../../../common/auth/throttle.js';
import type { AuthUser } from '../../../common/auth/auth-user.js';
import { CurrentUser } from '../../../common/auth/current-user.decorator.js';
import { MfaDisableDto, MfaEnableDto, MfaSetupDto, MfaVerifyDto, RecoveryCodesDto } from '../dto/mfa.dto.js';
import { TokenResponseDto } from '../dto/token-response.dto.js';
import { mfaChallengeFromCookie, SetRefreshCookieInterceptor } from '../refresh-cookie.js';
import { MfaService } from './mfa.service.js';

@ApiTags('mfa')
@Controller({ path: 'auth/mfa', version: '1' })
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Post('setup')
  @ApiOperation({
    summary: 'Start MFA setup',
    description:
      'Signed in (access token). Creates a new TOTP secret, pending until enabled with a code, and answers it as an otpauth URL and a QR code. Refuses API keys (403) and an account with MFA already enabled (409).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: MfaSetupDto, description: 'A new secret, pending until enabled with a code' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'MFA is already enabled' })
  setup(@CurrentUser() user: AuthUser): Promise<MfaSetupDto> {
    return this.mfa.setup(user);
  }

  @Post('enable')
  @ApiOperation({
    summary: 'Enable MFA',
    description:
      'Signed in within 10 minutes, or with the password in the body. Turns MFA on with a code from the pending secret, answers 10 recovery codes (shown once) and ends every other session. Refuses a wrong code or password (401), a stale sign-in without password (403), no pending setup or MFA already on (409) and too many wrong codes (429).',
  })
  @Authenticated({ recentAuthentication: true })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RecoveryCodesDto, description: 'MFA on; every other session of the user ends' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'No pending setup, or MFA is already enabled' })
  enable(@CurrentUser() user: AuthUser, @Body() dto: MfaEnableDto, @ReqMeta() meta: RequestMeta): Promise<RecoveryCodesDto> {
    return this.mfa.enable(user, dto, meta);
  }

  @Post('verify')
  @ApiOperation({
    summary: 'Complete sign-in with an MFA code',
    description:
      'Public. Completes a login that answered an MFA challenge: send the challenge (body or cookie) and a TOTP or recovery code. Answers the token pair and sets the refresh cookie. Refuses a wrong code (401 `Invalid code`), an unknown or expired challenge (401 `Invalid or expired MFA challenge`) and too many wrong codes for the account (429).',
  })
  @Public()
  @Throttle({ mfaVerify: FROM_CONFIG })
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(SetRefreshCookieInterceptor)
  @ApiOkResponse({ type: TokenResponseDto, description: 'The login completes' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Invalid code or challenge' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many wrong codes for this account' })
  verify(@Body() dto: MfaVerifyDto, @Req() req: Request, @ReqMeta() meta: RequestMeta): Promise<TokenResponseDto> {
    const from = dto.mfaToken === undefined ? 'cookie.mfa_challenge' : 'body.mfaToken';
    return this.mfa.verifyChallenge(dto.mfaToken ?? mfaChallengeFromCookie(req) ?? '', dto.code, meta, from);
  }

  @Post('disable')
  @ApiOperation({
    summary: 'Disable MFA',
    description:
      'Signed in (access token), with the password and a current code. Turns MFA off. Refuses a wrong password or code (401 `Invalid password or code`), an account without MFA (409 `MFA is not enabled`) and too many wrong attempts (429).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'MFA turned off' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'MFA is not enabled' })
  disable(@CurrentUser() user: AuthUser, @Body() dto: MfaDisableDto, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.mfa.disable(user, dto.password, dto.code, meta);
  }
}
