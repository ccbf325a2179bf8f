import { z } from 'zod';
import { intVar, listVar, NODE_ENVS } from './env.js';

export const appEnvSchema = z.object({
  NODE_ENV: z.enum(NODE_ENVS).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: intVar(3000, 0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOWED_ORIGINS: listVar().pipe(z.array(z.url({ protocol: /^https?$/ }))),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i).default('256kb'),
});

export type AppSettings = {
  env: z.infer<typeof appEnvSchema>['NODE_ENV'];
  host: string;
  port: number;
  logLevel: z.infer<typeof appEnvSchema>['LOG_LEVEL'];
  allowedOrigins: string[];
  bodyLimit: string;
};

export function toAppSettings(e: z.infer<typeof appEnvSchema>): AppSettings {
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    allowedOrigins: e.ALLOWED_ORIGINS,
    bodyLimit: e.BODY_LIMIT,
  };
}
