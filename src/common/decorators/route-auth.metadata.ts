import { SetMetadata } from '@nestjs/common';

/**
 * Every route declares how it is reached: `@Public()` or `@Authenticated(...)`. The global guard
 * denies anything else, and the route inventory refuses to boot an app with an undeclared route.
 */
export const ROUTE_AUTH_KEY = 'route-auth';

export type RouteAuth =
  | { kind: 'public' }
  /** `apiKeyScope`: the scope an X-API-Key needs here; without it, API keys are refused (403). */
  | { kind: 'authenticated'; permissions: readonly string[]; apiKeyScope?: string };

export const setRouteAuth = (auth: RouteAuth) => SetMetadata(ROUTE_AUTH_KEY, auth);
