import { z } from 'zod';

/**
 * Deprecations (RFC 9745 `Deprecation`, RFC 8594 `Sunset`): comma-separated entries of
 * `<path prefix>|<deprecated since, ISO date>|<sunset, ISO date>|<successor path>`, e.g.
 * `/api/v1|2026-12-01|2027-06-01|/api/v2`. A prefix may be a whole version or a single route.
 */
export const versioningEnvSchema = z.object({ API_DEPRECATIONS: z.string().default('') });

export type Deprecation = { prefix: string; since: Date; sunset: Date; successor: string };

export function loadDeprecations(e: z.infer<typeof versioningEnvSchema>): { deprecations: Deprecation[]; problems: string[] } {
  const deprecations: Deprecation[] = [];
  const problems: string[] = [];
  for (const entry of e.API_DEPRECATIONS.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [prefix, since, sunset, successor] = entry.split('|');
    const parsed = { prefix: prefix ?? '', since: new Date(since ?? ''), sunset: new Date(sunset ?? ''), successor: successor ?? '' };
    const valid =
      parsed.prefix.startsWith('/') && parsed.successor.startsWith('/') && !Number.isNaN(parsed.since.getTime()) && !Number.isNaN(parsed.sunset.getTime());
    if (valid) deprecations.push(parsed);
    else problems.push(`API_DEPRECATIONS: "${entry}" is not <prefix>|<since>|<sunset>|<successor>`);
  }
  return { deprecations, problems };
}
