import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiForbiddenResponse, getSchemaPath, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../common/auth/public.decorator.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { ReqMeta, type RequestMeta } from '../../common/http/request-meta.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { Throttle } from '@nestjs/throttler';
import { FROM_CONFIG } from '../../common/auth/throttle.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { LoginDto } from './dto/login.dto.js';
import { MfaChallengeDto } from './dto/mfa.dto.js';
import { AcceptedDto } from './dto/password.dto.js';
import { RefreshDto } from './dto/refresh.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { TokenResponseDto } from './dto/token-response.dto.js';
import { RefreshCsrfGuard } from './guards/refresh-csrf.guard.js';
import { ClearRefreshCookieInterceptor, refreshTokenFromCookie, SetRefreshCookieInterceptor } from './refresh-cookie.js';

@ApiTags('auth')
@ApiExtraModels(TokenResponseDto, MfaChallengeDto)
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @Public()
  @Throttle({ register: FROM_CONFIG })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: AcceptedDto,
    description: 'One answer for every address, new or taken: a new one is mailed a verification link, a taken one a notice to its owner',
  })
  register(@Body() dto: RegisterDto, @ReqMeta() meta: RequestMeta): AcceptedDto {
    return this.auth.register(dto, meta);
  }

  @Post('login')
  @Public()
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many failed logins from this address' })
  @HttpCode(HttpStatus.OK)
  @UseInterceptors(SetRefreshCookieInterceptor)
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] },
    description: 'The token pair (also sets the __Host-refresh_token cookie), or an MFA challenge',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Invalid credentials' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Email not verified (only after the right password)' })
  login(@Body() dto: LoginDto, @ReqMeta() meta: RequestMeta): Promise<TokenResponseDto | MfaChallengeDto> {
    return this.auth.login(dto, meta);
  }

  @Post('refresh')
  @Public()
  @Throttle({ refresh: FROM_CONFIG })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  @HttpCode(HttpStatus.OK)
  @UseGuards(RefreshCsrfGuard)
  @UseInterceptors(SetRefreshCookieInterceptor)
  @ApiOkResponse({ type: TokenResponseDto, description: 'Rotates the refresh token: the old one dies' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Invalid, expired or reused refresh token' })
  refresh(@Body() dto: RefreshDto, @Req() req: Request, @ReqMeta() meta: RequestMeta): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken ?? refreshTokenFromCookie(req), meta);
  }

  @Post('logout')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseInterceptors(ClearRefreshCookieInterceptor)
  @ApiNoContentResponse({ description: 'Ends this session: its refresh and access tokens stop working' })
  logout(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.auth.logout(user, meta);
  }

  @Post('logout-all')
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseInterceptors(ClearRefreshCookieInterceptor)
  @ApiNoContentResponse({ description: 'Ends every session of the user and revokes every API key' })
  logoutAll(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.auth.logoutAll(user, meta);
  }
}
