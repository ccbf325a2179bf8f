import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { ServerOptions } from 'node:https';
import { Logger, RequestMethod, VersioningType, type NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { NotFoundError } from './common/errors/app-error.js';
import { sendError } from './common/errors/all-exceptions.filter.js';
import { ErrorObserver } from './common/errors/error-observer.js';
import { corsOptions } from './common/http/cors.js';
import { deprecationHeaders } from './common/http/deprecation.js';
import { jsonBodyParser, requireJson } from './common/http/json-body.js';
import { noStore, securityHeaders } from './common/http/security-headers.js';
import { applyServerLimits } from './common/http/server-limits.js';
import { refuseMethodOverride, refuseTrace, requireHttps } from './common/http/transport.js';
import { assignRequestId } from './common/request-id/request-id.js';
import { AppConfig } from './config/app-config.js';
import { DOCS_PATH, setupDocs } from './docs/openapi.js';
import { ShutdownState } from './modules/health/shutdown-state.js';
import { httpMetrics } from './modules/metrics/http-metrics.middleware.js';
import { MetricsService } from './modules/metrics/metrics.service.js';

/** Options for NestFactory.create / createNestApplication: we install our own body parser. */
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false, bufferLogs: true };

const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * APP_OPTIONS plus direct TLS when TLS_CERT_FILE/TLS_KEY_FILE are set: TLS 1.2 and 1.3 only,
 * forward-secret AEAD suites only for 1.2 (1.3 suites are all strong).
 */
export function appOptions(config: AppConfig): NestApplicationOptions {
  const tls = config.app.tls;
  if (!tls) return APP_OPTIONS;
  const httpsOptions: ServerOptions = {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    minVersion: 'TLSv1.2',
    ciphers: TLS12_CIPHERS,
    honorCipherOrder: true,
  };
  // Nest's HttpsOptions type predates minVersion; Node's https.createServer receives it as is.
  return { ...APP_OPTIONS, httpsOptions: httpsOptions as NestApplicationOptions['httpsOptions'] };
}

/**
 * Paths served outside Nest's /api router. Anything else outside /api is answered here with the
 * JSON 404, rather than Express's HTML page.
 */
function servedOutsideApi(path: string, docsEnabled: boolean): boolean {
  if (['/health/live', '/health/ready', '/.well-known/jwks.json', '/metrics'].includes(path)) return true;
  return docsEnabled && (path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`) || path === `${DOCS_PATH}-json`);
}

function unknownPathIsNotFound(docsEnabled: boolean) {
  return (req: Request, _res: Response, next: NextFunction): void =>
    next(req.path.startsWith('/api/') || servedOutsideApi(req.path, docsEnabled) ? undefined : new NotFoundError());
}

/** The app's ErrorObserver (security events), if one is registered. */
function errorObserverOf(app: NestExpressApplication): ErrorObserver | undefined {
  try {
    return app.get(ErrorObserver, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * Everything between "the app exists" and "the app listens": the HTTP pipeline, in order. main.ts
 * and the tests both call it, so the tests exercise exactly what production runs.
 */
export function configureApp(app: NestExpressApplication, options: { shutdownHooks?: boolean } = {}): NestExpressApplication {
  const config = app.get(AppConfig);
  const logger = new Logger('Http');
  app.useLogger(app.get(PinoLogger));
  app.disable('x-powered-by');
  // No automatic ETag (a SHA-1 of every body): API answers are `no-store`. Posts set their own
  // strong ETag (their version, for If-Match), and Express still answers 304 to it.
  app.set('etag', false);
  // X-Forwarded-* is believed only for the configured number of proxy hops (0: never), so
  // rate limits and logs see the real client, and a forged header changes nothing.
  app.set('trust proxy', config.app.trustProxyHops);
  app.set('query parser', 'simple');
  applyServerLimits(app.getHttpServer() as Server, config.app.server);

  app.use((req: Request, res: Response, next: NextFunction) => {
    assignRequestId(req, res);
    next();
  });
  app.use(httpMetrics(app.get(MetricsService)));
  app.use(securityHeaders(config.app.env !== 'development', config.app.docsEnabled ? DOCS_PATH : null));
  app.use(noStore);
  app.use(deprecationHeaders(config.app.deprecations));
  app.use(refuseTrace);
  app.use(refuseMethodOverride);
  if (config.isProduction) app.use(requireHttps);
  app.use(unknownPathIsNotFound(config.app.docsEnabled));
  app.use(cookieParser());
  app.use(requireJson);
  app.use(jsonBodyParser(config.app.bodyLimit));
  // Refusals made before the router (body, transport) are observed like any other error answer.
  const observer = errorObserverOf(app);
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, message } = sendError(err, req, res, logger);
    observer?.onErrorAnswered(status, req, message, err);
  });

  app.enableCors(corsOptions(config.app.allowedOrigins));
  app.setGlobalPrefix('api', {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: '.well-known/jwks.json', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.enableVersioning({ type: VersioningType.URI });
  if (config.app.docsEnabled) {
    setupDocs(app);
    // Whatever the Swagger UI does not serve under its paths is the JSON 404 like any other miss
    // (Express would answer with an HTML page).
    app.use([DOCS_PATH, `${DOCS_PATH}-json`], (req: Request, res: Response) => void sendError(new NotFoundError(), req, res, logger));
  }
  if (options.shutdownHooks ?? true) enableGracefulShutdown(app, config.app.shutdownDrainMs, config.app.shutdownGraceMs);
  return app;
}

/**
 * SIGTERM/SIGINT: readiness turns 503 and the app keeps serving for `drainMs` (the load balancer
 * stops routing here; connections already queued get accepted), then stops listening, lets
 * in-flight requests finish, runs every module's shutdown hook (database pool, Redis, API-key
 * usage flush) and exits 0. Past the grace period it exits 1 rather than hang a deploy.
 */
export function enableGracefulShutdown(app: NestExpressApplication, drainMs: number, graceMs: number): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal}: draining, then finishing in-flight requests`);
    setTimeout(() => {
      logger.error(`still busy after ${drainMs + graceMs} ms: exiting`);
      process.exit(1);
    }, drainMs + graceMs).unref();
    try {
      app.get(ShutdownState).draining = true;
      await new Promise((resolve) => setTimeout(resolve, drainMs));
      // First the HTTP server: stop listening and let every open connection finish what it was
      // sent; answers from now on say `Connection: close`, and idle keep-alive connections end
      // at their keep-alive timeout. (http.Server#close would also cut connections whose
      // request is read but not yet answered.) Only then the modules close their pools.
      const server = app.getHttpServer() as Server;
      server.on('request', (_req: IncomingMessage, res: ServerResponse) => res.setHeader('Connection', 'close'));
      await new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      await app.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}
