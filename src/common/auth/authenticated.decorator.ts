import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { setRouteAuth } from './route-auth.metadata.js';
import { ErrorResponseDto } from '../errors/error-response.dto.js';
import type { ApiKeyScope } from './api-key-scopes.js';
import type { Permission } from './permissions.js';

/** Every refusal the route can answer with 403: a missing permission, an old sign-in, an API key it refuses. */
function forbiddenWhen(permissions: readonly string[], recent: boolean | undefined, apiKeyScope: ApiKeyScope | undefined): string {
  const reasons = [
    ...(permissions.length > 0 ? [`Needs ${permissions.join(', ')}`] : []),
    ...(recent ? ['a sign-in within 10 minutes, or the password'] : []),
    apiKeyScope ? `an API key needs the ${apiKeyScope} scope` : 'API keys are refused here (`API key not allowed here`)',
  ];
  return reasons.join('; ');
}

/**
 * Declares that a route needs a signed-in caller holding every listed permission, and whether an
 * API key with `apiKeyScope` may call it too (otherwise keys get 403). One decorator sets both
 * the enforcement metadata and the OpenAPI security, so docs and checks cannot drift.
 */
export function Authenticated(options: { permissions?: Permission[]; apiKeyScope?: ApiKeyScope; recentAuthentication?: boolean } = {}) {
  const { permissions = [], apiKeyScope, recentAuthentication } = options;
  return applyDecorators(
    setRouteAuth({ kind: 'authenticated', permissions, apiKeyScope, recentAuthentication }),
    // One bearer scheme for every signed-in route; the requirement lists the permissions the
    // caller's role needs (as role names), so admin routes differ from the others without a
    // second scheme to paste the same token into.
    permissions.length > 0 ? ApiSecurity('bearer', permissions) : ApiBearerAuth(),
    ...(apiKeyScope ? [ApiSecurity('api-key', [apiKeyScope])] : []),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, invalid or expired credentials' }),
    // Every signed-in route can answer 403: at least to an API key it refuses or whose scope is missing.
    ApiForbiddenResponse({ type: ErrorResponseDto, description: forbiddenWhen(permissions, recentAuthentication, apiKeyScope) }),
  );
}
