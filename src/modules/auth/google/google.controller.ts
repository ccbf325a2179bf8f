import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiForbiddenResponse,
  ApiFoundResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../../common/errors/error-response.dto.js';
import type { Request, Response } from 'express';
import { Public } from '../../../common/auth/public.decorator.js';
import { ReqMeta, type RequestMeta } from '../../../common/http/request-meta.js';
import type { UserCredentialsRow } from '../../users/user.select.js';
import { GoogleAuthGuard } from './google-auth.guard.js';
import { GoogleLoginService } from './google-login.service.js';
import type { FlowRequest } from './oauth-state.store.js';

@ApiTags('auth')
@Controller({ path: 'auth/google', version: '1' })
export class GoogleController {
  constructor(private readonly google: GoogleLoginService) {}

  @Get()
  @ApiOperation({
    summary: 'Start Google sign-in',
    description:
      'Public. Redirects (302) to Google with state, PKCE (S256) and nonce; `returnTo` names where the front end goes afterwards (a front-end path or an allowed origin, anything else falls back to the front end). Answers 404 when Google sign-in is not configured.',
  })
  @Public()
  @ApiQuery({ name: 'returnTo', required: false, schema: { type: 'string', maxLength: 2000 }, description: 'A path of the front end, or a URL on an allowed origin (anything else, or longer: the front end)' })
  @ApiFoundResponse({ description: 'To Google, with state, PKCE (S256) and nonce' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Google sign-in is not configured' })
  start(@Req() req: Request, @Res() res: Response): void {
    this.google.start(req, res);
  }

  @Get('callback')
  @ApiOperation({
    summary: 'Finish Google sign-in',
    description:
      'Public, called by Google with its query. Checks state, PKCE and nonce, signs the user in and redirects (302) to the front end with the refresh cookie set and no token in the URL. Refuses a failed sign-in (401), a refused account (403), an unconfigured provider (404), and a provider that did not answer properly (502) or in time (504).',
  })
  @Public()
  @UseGuards(GoogleAuthGuard)
  @ApiFoundResponse({ description: 'To FRONTEND_URL, with the refresh cookie set and no token in the URL' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Google sign-in failed (state, PKCE, nonce or ID token)' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'An unverified Google email, or a disabled account' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Google sign-in is not configured' })
  @ApiBadGatewayResponse({ type: ErrorResponseDto, description: 'Google did not answer properly' })
  @ApiGatewayTimeoutResponse({ type: ErrorResponseDto, description: 'Google did not answer in time' })
  async callback(@Req() req: FlowRequest, @Res() res: Response, @ReqMeta() meta: RequestMeta): Promise<void> {
    const { url } = await this.google.finish(req.user as UserCredentialsRow, req, res, meta);
    // An empty 302, as the start answers: express's redirect() adds a text or HTML page that echoes the URL.
    res.status(302).location(url).end();
  }
}
