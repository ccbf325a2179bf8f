import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiForbiddenResponse, getSchemaPath, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse, ApiOperation } from '@nestjs/swagger';
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
  @ApiOperation({
    summary: 'Register an account',
    description:
      'Public. Creates an unverified account and mails a verification link; a taken address gets a notice to its owner instead. The answer is the same 202 for every address, so it reveals no account. Refuses an invalid body or unknown field (400) and too many registrations from one address (429).',
  })
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
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Public. Answers the token pair and sets the `__Host-refresh_token` cookie, or, when MFA is on, an MFA challenge to complete at `POST /auth/mfa/verify`. Refuses wrong credentials (401 `Invalid credentials`, the same for an unknown address), an unverified address after the right password (403 `Email not verified`), too many failed logins (429) and too many password hashes queued (503).',
  })
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
  @ApiOperation({
    summary: 'Rotate the refresh token',
    description:
      'Public: send the refresh token in the body, or the cookie (then a CSRF check applies). Answers a new token pair; the old refresh token stops working, and reusing it ends the session. Refuses an invalid, expired or reused token (401 `Invalid refresh token`), a cookie request failing the CSRF check (403/415) and too many refreshes (429).',
  })
  @Public()
  @Throttle({ refresh: FROM_CONFIG })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  @HttpCode(HttpStatus.OK)
  @UseGuards(RefreshCsrfGuard)
  @UseInterceptors(SetRefreshCookieInterceptor)
  @ApiOkResponse({ type: TokenResponseDto, description: 'Rotates the refresh token: the old one dies' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Invalid, expired or reused refresh token' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A cookie refresh from a foreign Origin or a cross-site request (CSRF)' })
  refresh(@Body() dto: RefreshDto, @Req() req: Request, @ReqMeta() meta: RequestMeta): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken ?? refreshTokenFromCookie(req), meta);
  }

  @Post('logout')
  @ApiOperation({
    summary: 'Sign out of this session',
    description:
      'Signed in (access token). Ends the current session: its refresh and access tokens stop working, and the refresh cookie is cleared. Refuses a missing or invalid token (401) and API keys (403).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseInterceptors(ClearRefreshCookieInterceptor)
  @ApiNoContentResponse({ description: 'Ends this session: its refresh and access tokens stop working' })
  logout(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.auth.logout(user, meta);
  }

  @Post('logout-all')
  @ApiOperation({
    summary: 'Sign out everywhere',
    description:
      'Signed in (access token). Ends every session of the user and revokes every API key of the user; clears the refresh cookie. Refuses a missing or invalid token (401) and API keys (403).',
  })
  @Authenticated()
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseInterceptors(ClearRefreshCookieInterceptor)
  @ApiNoContentResponse({ description: 'Ends every session of the user and revokes every API key' })
  logoutAll(@CurrentUser() user: AuthUser, @ReqMeta() meta: RequestMeta): Promise<void> {
    return this.auth.logoutAll(user, meta);
  }
}
