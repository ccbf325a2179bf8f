import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';

import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/public.decorator.js';
import { SkipThrottle } from '@nestjs/throttler';
import { SigningKeysService, type PublicJwk } from './signing-keys.service.js';

/** Public keys for verifying access tokens (RFC 7517). Served outside /api, as clients expect. */
@ApiTags('auth')
@SkipThrottle()
@Controller({ path: '.well-known', version: VERSION_NEUTRAL })
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set' })
  jwks(): { keys: PublicJwk[] } {
    return this.keys.publicJwks();
  }
}
