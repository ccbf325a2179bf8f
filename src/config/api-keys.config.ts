import { z } from 'zod';
import { intVar } from './env.js';

export const apiKeysEnvSchema = z.object({
  API_KEY_DEFAULT_LIFETIME_DAYS: intVar(365, 1, 3650),
  // No 100-year keys: an expiry past this is refused.
  API_KEY_MAX_LIFETIME_DAYS: intVar(365, 1, 3650),
  API_KEY_MAX_PER_USER: intVar(20, 1, 1000),
});

export type ApiKeySettings = { defaultLifetimeDays: number; maxLifetimeDays: number; maxPerUser: number };

export function toApiKeySettings(e: z.infer<typeof apiKeysEnvSchema>): ApiKeySettings {
  return {
    defaultLifetimeDays: Math.min(e.API_KEY_DEFAULT_LIFETIME_DAYS, e.API_KEY_MAX_LIFETIME_DAYS),
    maxLifetimeDays: e.API_KEY_MAX_LIFETIME_DAYS,
    maxPerUser: e.API_KEY_MAX_PER_USER,
  };
}
