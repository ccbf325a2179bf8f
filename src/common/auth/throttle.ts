import type { Throttle } from '@nestjs/throttler';
import type { RateLimitSettings } from '../../config/rate-limit.config.js';

/** Stricter per-route budgets, on top of the global per-IP / per-user one (docs/API.md §5). */
export type RoutePolicy = keyof RateLimitSettings['routes'];

export const ROUTE_POLICIES = ['register', 'refresh', 'passwordReset', 'mfaVerify'] as const satisfies readonly RoutePolicy[];

/**
 * `@Throttle({ register: FROM_CONFIG })`: the route also spends the per-IP `register` budget,
 * with the limit and window from config (RATE_LIMIT_REGISTER_PER_HOUR). A route budget is spent
 * only on the routes that name it. `@SkipThrottle()` takes a route out of every budget (probes
 * that orchestrators call all day: health, JWKS, metrics).
 */
export const FROM_CONFIG: Parameters<typeof Throttle>[0][string] = {};
