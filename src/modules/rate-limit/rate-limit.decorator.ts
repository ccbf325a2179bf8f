import { SetMetadata } from '@nestjs/common';

/** Stricter per-route budgets, on top of the global per-IP / per-user one (SPEC.md §7). */
export type RoutePolicy = 'register' | 'refresh' | 'passwordReset' | 'mfaVerify';

export const RATE_LIMIT_KEY = 'rate-limit';

export type RateLimitMetadata = { policy?: RoutePolicy; skip?: boolean };

/** `@RateLimit('register')`: this route also has its own per-IP budget from config. */
export const RateLimit = (policy: RoutePolicy) => SetMetadata(RATE_LIMIT_KEY, { policy } satisfies RateLimitMetadata);

/** For probes that orchestrators call all day (health, JWKS): never throttled. */
export const SkipRateLimit = () => SetMetadata(RATE_LIMIT_KEY, { skip: true } satisfies RateLimitMetadata);
