import { Controller, Get, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import { ApiFoundResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
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
  @Public()
  @ApiQuery({ name: 'returnTo', required: false, schema: { type: 'string', maxLength: 2000 }, description: 'A path of the front end, or a URL on an allowed origin (anything else, or longer: the front end)' })
  @ApiFoundResponse({ description: 'To Google, with state, PKCE (S256) and nonce' })
  start(@Req() req: Request, @Res() res: Response): void {
    this.google.start(req, res);
  }

  @Get('callback')
  @Public()
  @UseGuards(GoogleAuthGuard)
  @Redirect()
  @ApiFoundResponse({ description: 'To FRONTEND_URL, with the refresh cookie set and no token in the URL' })
  callback(@Req() req: FlowRequest, @Res({ passthrough: true }) res: Response, @ReqMeta() meta: RequestMeta): Promise<{ url: string }> {
    return this.google.finish(req.user as UserCredentialsRow, req, res, meta);
  }
}
