import { Logger, RequestMethod, VersioningType, type NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import { NotFoundError, UnsupportedMediaTypeError } from './common/errors/app-error.js';
import { sendError } from './common/errors/all-exceptions.filter.js';
import { assignRequestId, REQUEST_ID_HEADER } from './common/request-id/request-id.js';
import { AppConfig } from './config/app-config.js';
import { setupDocs } from './docs/openapi.js';

/** Options for NestFactory.create / createNestApplication: we install our own body parser. */
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false, bufferLogs: true };

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** JSON only: a body of any other type is refused before parsing (no form or XML parser is reachable). */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (BODY_METHODS.has(req.method) && hasBody(req) && !req.is('application/json')) {
    next(new UnsupportedMediaTypeError());
    return;
  }
  next();
}

/** Paths the app serves; anything else is a JSON 404 here rather than Express's HTML page. */
const SERVED_ROOTS = ['/api/', '/health/', '/.well-known/', '/docs'];

function unknownRootIsNotFound(req: Request, _res: Response, next: NextFunction): void {
  next(SERVED_ROOTS.some((root) => req.path.startsWith(root)) ? undefined : new NotFoundError());
}

function noStore(_req: Request, res: Response, next: NextFunction): void {
  // API answers are per-user: no shared or browser cache may keep them.
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * Everything between "the app exists" and "the app listens": the HTTP pipeline. main.ts and the
 * tests both call it, so the tests exercise exactly what production runs.
 */
export function configureApp(app: NestExpressApplication, options: { shutdownHooks?: boolean } = {}): NestExpressApplication {
  const config = app.get(AppConfig);
  const logger = new Logger('Http');
  app.useLogger(app.get(PinoLogger));
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    assignRequestId(req, res);
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      hsts: config.isProduction ? { maxAge: 31_536_000, includeSubDomains: true, preload: true } : false,
    }),
  );
  app.use(noStore);
  app.use(unknownRootIsNotFound);
  app.use(cookieParser());
  app.use(requireJson);
  app.use(express.json({ limit: config.app.bodyLimit, strict: true, type: 'application/json' }));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => sendError(err, req, res, logger));

  app.enableCors({
    origin: config.app.allowedOrigins,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-API-Key', REQUEST_ID_HEADER],
    exposedHeaders: ['X-Total-Count', REQUEST_ID_HEADER, 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'],
    maxAge: 86_400,
  });
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: '.well-known/jwks.json', method: RequestMethod.GET },
    ],
  });
  app.enableVersioning({ type: VersioningType.URI });
  if (!config.isProduction) setupDocs(app);
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  return app;
}
