import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import 'reflect-metadata';
import { AppModule } from './app.module.js';
import { appOptions, configureApp } from './app.setup.js';
import { AppConfig, loadConfig } from './config/app-config.js';

/** Creates, configures and starts the API; returns it with its URL. */
export async function startServer(options: { shutdownHooks?: boolean; config?: AppConfig } = {}): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, appOptions(options.config ?? loadConfig()));
  configureApp(app, options);
  const { port, host } = app.get(AppConfig).app;
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const scheme = app.get(AppConfig).app.tls ? 'https' : 'http';
  return { app, url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${actualPort}` };
}
