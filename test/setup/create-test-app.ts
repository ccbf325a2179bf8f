import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll } from '@jest/globals';
import 'reflect-metadata';
import { AppModule } from '../../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../../src/app.setup.js';
import { AppConfig, loadConfig } from '../../src/config/app-config.js';

/**
 * The real AppModule through the same configureApp() as production, on the run's database.
 * `env` overrides environment variables for this app only (e.g. small rate limits).
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<NestExpressApplication> {
  const builder = Test.createTestingModule({ imports: [AppModule] });
  if (Object.keys(env).length > 0) builder.overrideProvider(AppConfig).useValue(loadConfig({ ...process.env, ...env }));
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS);
  configureApp(app, { shutdownHooks: false });
  await app.init();
  return app;
}

/**
 * Boots one app for the enclosing `describe` (beforeAll) and closes it after (afterAll).
 * Returns a getter, since the app exists only once the hook has run.
 */
export function useTestApp(env: Record<string, string> = {}): () => NestExpressApplication {
  let app: NestExpressApplication | undefined;
  beforeAll(async () => {
    app = await createTestApp(env);
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('useTestApp(): the app is only available inside tests');
    return app;
  };
}
