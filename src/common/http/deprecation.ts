import type { NextFunction, Request, Response } from 'express';
import type { Deprecation } from '../../config/versioning.config.js';

/**
 * Marks answers from deprecated versions or routes (seed 002): `Deprecation` (RFC 9745, the
 * moment it was deprecated), `Sunset` (RFC 8594, when it goes away) and a `Link` to the successor.
 */
export function deprecationHeaders(deprecations: Deprecation[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = deprecations.find((d) => req.path === d.prefix || req.path.startsWith(`${d.prefix}/`));
    if (match) {
      res.setHeader('Deprecation', `@${Math.floor(match.since.getTime() / 1000)}`);
      res.setHeader('Sunset', match.sunset.toUTCString());
      res.setHeader('Link', `<${match.successor}>; rel="successor-version"`);
    }
    next();
  };
}
