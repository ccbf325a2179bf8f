import { z } from 'zod';
import { intVar, listVar, NODE_ENVS } from './env.js';
import type { Deprecation } from './versioning.config.js';

export const appEnvSchema = z.object({
  NODE_ENV: z.enum(NODE_ENVS).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: intVar(3000, 0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Write the JSON log to this file instead of stdout (e.g. for a log shipper, or the log tests).
  LOG_FILE: z.string().min(1).optional(),
  ALLOWED_ORIGINS: listVar().pipe(z.array(z.url({ protocol: /^https?$/ }))),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i).default('256kb'),
  // How many proxy hops to believe in X-Forwarded-For/-Proto (0: none, the socket address is the client).
  TRUST_PROXY: intVar(0, 0, 10),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  DOCS_ENABLED: z.enum(['true', 'false', '1', '0']).optional(),
  // On SIGTERM: stop accepting, let in-flight requests finish for up to this long, then exit.
  SHUTDOWN_GRACE_MS: intVar(10_000, 0, 120_000),
  // ...after first answering readiness 503 and still serving for this long, so load balancers
  // stop routing here and connections already queued are taken in.
  SHUTDOWN_DRAIN_MS: intVar(1_000, 0, 60_000),
  // GET /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; without a token it is off (404).
  METRICS_TOKEN: z.string().min(32).optional(),
  // The HTTP server's own limits (src/common/http/server-limits.ts): a request must arrive whole
  // within HTTP_REQUEST_TIMEOUT_MS, its head within HTTP_HEADERS_TIMEOUT_MS; an idle keep-alive
  // connection closes after HTTP_KEEP_ALIVE_TIMEOUT_MS; at most HTTP_MAX_CONNECTIONS at once.
  HTTP_REQUEST_TIMEOUT_MS: intVar(30_000, 1_000, 600_000),
  HTTP_HEADERS_TIMEOUT_MS: intVar(10_000, 1_000, 600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: intVar(5_000, 1_000, 600_000),
  HTTP_MAX_CONNECTIONS: intVar(1_024, 1, 1_000_000),
});

export type AppSettings = {
  env: z.infer<typeof appEnvSchema>['NODE_ENV'];
  host: string;
  port: number;
  logLevel: z.infer<typeof appEnvSchema>['LOG_LEVEL'];
  logFile?: string;
  allowedOrigins: string[];
  bodyLimit: string;
  trustProxyHops: number;
  tls?: { certFile: string; keyFile: string };
  docsEnabled: boolean;
  deprecations: Deprecation[];
  shutdownGraceMs: number;
  shutdownDrainMs: number;
  metricsToken?: string;
  server: HttpServerLimits;
};

export type HttpServerLimits = { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number };

export function toAppSettings(e: z.infer<typeof appEnvSchema>, deprecations: Deprecation[]): AppSettings {
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE,
    allowedOrigins: e.ALLOWED_ORIGINS,
    bodyLimit: e.BODY_LIMIT,
    trustProxyHops: e.TRUST_PROXY,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
    // Docs are off in production unless DOCS_ENABLED=true is set explicitly.
    deprecations,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    metricsToken: e.METRICS_TOKEN,
    server: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    docsEnabled: e.DOCS_ENABLED === undefined ? e.NODE_ENV !== 'production' : ['true', '1'].includes(e.DOCS_ENABLED),
  };
}

/** Node refuses a head timeout longer than the whole request's. */
export function serverLimitProblems(e: z.infer<typeof appEnvSchema>): string[] {
  return e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS ? ['HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS'] : [];
}

/** TLS files must come as a pair and be readable; checked at boot like every other setting. */
export function tlsProblems(e: z.infer<typeof appEnvSchema>, readable: (file: string) => boolean): string[] {
  if (!e.TLS_CERT_FILE !== !e.TLS_KEY_FILE) return ['TLS_CERT_FILE, TLS_KEY_FILE: set both or neither'];
  return [
    ...(e.TLS_CERT_FILE && !readable(e.TLS_CERT_FILE) ? [`TLS_CERT_FILE: cannot read ${e.TLS_CERT_FILE}`] : []),
    ...(e.TLS_KEY_FILE && !readable(e.TLS_KEY_FILE) ? [`TLS_KEY_FILE: cannot read ${e.TLS_KEY_FILE}`] : []),
  ];
}
