import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { assignRequestId } from '../common/request-id/request-id.js';
import { AppConfig } from '../config/app-config.js';

/** Anything that could let a reader of the logs act as a user is cut before it is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
];

type LoggedRequest = IncomingMessage & { user?: { id?: string } };

/**
 * pino-http options, writing to LOG_FILE when set (synchronously: no line lost on exit). In
 * development, on a terminal, lines are made readable by pino-pretty (a dev dependency); JSON
 * everywhere else, for log shippers and the tests that read the log.
 */
function withDestination(config: AppConfig, options: Options): Options | [Options, DestinationStream] {
  const file = config.app.logFile;
  if (file) return [options, pino.destination({ dest: file, sync: true, mkdir: true })];
  if (config.app.env === 'development' && process.stdout.isTTY) {
    return { ...options, transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' } } };
  }
  return options;
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: withDestination(config, {
          level: config.app.logLevel,
          genReqId: (req: IncomingMessage, res: ServerResponse) => assignRequestId(req, res),
          customProps: (req: IncomingMessage) => ({ userId: (req as LoggedRequest).user?.id }),
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          // The path only: query strings can carry tokens a careless client put there.
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
          timestamp: () => `,"time":"${new Date().toISOString()}"`,
        }),
      }),
    }),
  ],
})
export class LoggingModule {}
