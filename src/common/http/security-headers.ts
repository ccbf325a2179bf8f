import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

const ONE_YEAR = 31_536_000;

/**
 * helmet, with the defaults that are wrong for a JSON API overridden: nothing may load or frame
 * a response (`default-src 'none'; frame-ancestors 'none'`), no referrer leaves, X-XSS-Protection
 * stays 0 (the old auditor caused leaks), HSTS for a year with subdomains and preload.
 */
export function apiSecurityHeaders(hsts: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: hsts ? { maxAge: ONE_YEAR, includeSubDomains: true, preload: true } : false,
  });
}

/** The Swagger UI page needs its own scripts, styles and images, and nothing from elsewhere. */
export function docsSecurityHeaders(hsts: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: hsts ? { maxAge: ONE_YEAR, includeSubDomains: true, preload: true } : false,
  });
}

/** The docs pages (when served: `docsPath` set) get the docs policy; everything else the API one. */
export function securityHeaders(hsts: boolean, docsPath: string | null): RequestHandler {
  const api = apiSecurityHeaders(hsts);
  const docs = docsSecurityHeaders(hsts);
  const isDocs = (path: string) => docsPath !== null && (path === docsPath || path.startsWith(`${docsPath}/`));
  return (req: Request, res: Response, next: NextFunction) => (isDocs(req.path) ? docs : api)(req, res, next);
}

/** API answers are per user: no shared or browser cache may keep them (errors and 429 included). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
