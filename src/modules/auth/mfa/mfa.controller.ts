import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
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
  @Authenticated()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: MfaSetupDto, description: 'A new secret, pending until enabled with a code' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'MFA is already enabled' })
  setup(@CurrentUser() user: AuthUser): Promise<MfaSetupDto> {
    return this.mfa.setup(user);
  }

  @Post('enable')
  @Authenticated({ recentAuthentication: true })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: RecoveryCodesDto, description: 'MFA on; every other session of the user ends' })
  enable(@CurrentUser() user: AuthUser, @Body() dto: MfaEnableDto, @ReqMeta() meta: RequestMeta): Promise<RecoveryCodesDto> {
    return this.mfa.enable(user, dto, meta);
  }

  @Post('verify')
  @Public()
  @Throttle({ mfaVerify: FROM_CONFIG })
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(SetRefreshCookieInterceptor)
  @ApiOkResponse({ type: TokenResponseDto, description: 'The login completes' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Invalid code or challenge' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many wrong codes for this account' })
  verify(@Body() dto: MfaVerifyDto, @Req() req: Request, @ReqMeta() meta: RequestMeta): Promise<TokenResponseDto> {
    return this.mfa.verifyChallenge(dto.mfaToken ?? mfaChallengeFromCookie(req) ?? '', dto.code, meta);
  }

  @Post('disable')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'MFA turned off' })
  disable(@CurrentUser() user: AuthUser, @Body() dto: MfaDisableDto, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.mfa.disable(user, dto.password, dto.code, meta);
  }
}
