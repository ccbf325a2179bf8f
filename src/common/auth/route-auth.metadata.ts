import { SetMetadata } from '@nestjs/common';

/**
 * Every route declares how it is reached: `@Public()` or `@Authenticated(...)`. The global guard
 * denies anything else, and the route inventory refuses to boot an app with an undeclared route.
 */
export const ROUTE_AUTH_KEY = 'route-auth';

export type RouteAuth =
  | { kind: 'public' }
  /**
   * `apiKeyScope`: the scope an X-API-Key needs here; without it, API keys are refused (403).
   * `recentAuthentication`: a session that signed in within RECENT_AUTHENTICATION_SECONDS, or the
   * password again in the body's `password` (for changes that outlive the session: API keys, MFA).
   */
  | { kind: 'authenticated'; permissions: readonly string[]; apiKeyScope?: string; recentAuthentication?: boolean };

export const setRouteAuth = (auth: RouteAuth) => SetMetadata(ROUTE_AUTH_KEY, auth);
