import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { setRouteAuth } from '../../common/decorators/route-auth.metadata.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import type { Permission } from './permissions.js';

/**
 * Declares that a route needs a signed-in caller holding every listed permission. One decorator
 * sets both the enforcement metadata and the OpenAPI security, so docs and checks cannot drift.
 */
export function Authenticated(options: { permissions?: Permission[] } = {}) {
  const permissions = options.permissions ?? [];
  return applyDecorators(
    setRouteAuth({ kind: 'authenticated', permissions }),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, invalid or expired credentials' }),
    ...(permissions.length > 0
      ? [ApiForbiddenResponse({ type: ErrorResponseDto, description: `Needs ${permissions.join(', ')}` })]
      : []),
  );
}
