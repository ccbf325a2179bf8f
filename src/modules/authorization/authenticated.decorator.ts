import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { setRouteAuth } from '../../common/decorators/route-auth.metadata.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import type { ApiKeyScope } from '../api-keys/api-key.scopes.js';
import type { Permission } from './permissions.js';

/**
 * Declares that a route needs a signed-in caller holding every listed permission, and whether an
 * API key with `apiKeyScope` may call it too (otherwise keys get 403). One decorator sets both
 * the enforcement metadata and the OpenAPI security, so docs and checks cannot drift.
 */
export function Authenticated(options: { permissions?: Permission[]; apiKeyScope?: ApiKeyScope } = {}) {
  const { permissions = [], apiKeyScope } = options;
  return applyDecorators(
    setRouteAuth({ kind: 'authenticated', permissions, apiKeyScope }),
    ApiBearerAuth(),
    ...(apiKeyScope ? [ApiSecurity('api-key', [apiKeyScope])] : []),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, invalid or expired credentials' }),
    ...(permissions.length > 0
      ? [ApiForbiddenResponse({ type: ErrorResponseDto, description: `Needs ${permissions.join(', ')}` })]
      : []),
  );
}
