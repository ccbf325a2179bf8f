import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';

import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Public } from '../../../common/auth/public.decorator.js';
import { SkipThrottle } from '@nestjs/throttler';
import { JwksDto } from '../dto/jwks.dto.js';
import { SigningKeysService, type PublicJwk } from './signing-keys.service.js';

/** Public keys for verifying access tokens (RFC 7517). Served outside /api, as clients expect. */
@ApiTags('auth')
@SkipThrottle()
@Controller({ path: '.well-known', version: VERSION_NEUTRAL })
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get('jwks.json')
  @ApiOperation({
    summary: 'Get the public signing keys',
    description:
      'Public, outside `/api`, not rate limited. Answers the JSON Web Key Set of the RS256 keys that verify access tokens (during a rotation, the old key too); cacheable for 5 minutes.',
  })
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ type: JwksDto, description: 'JSON Web Key Set' })
  jwks(): { keys: PublicJwk[] } {
    return this.keys.publicJwks();
  }
}
