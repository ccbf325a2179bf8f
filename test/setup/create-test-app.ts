import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll } from '@jest/globals';
import 'reflect-metadata';
import { AppModule } from '../../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../../src/app.setup.js';

/** The real AppModule through the same configureApp() as production, on the run's database. */
export async function createTestApp(): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS);
  configureApp(app, { shutdownHooks: false });
  await app.init();
  return app;
}

/**
 * Boots one app for the enclosing `describe` (beforeAll) and closes it after (afterAll).
 * Returns a getter, since the app exists only once the hook has run.
 */
export function useTestApp(): () => NestExpressApplication {
  let app: NestExpressApplication | undefined;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('useTestApp(): the app is only available inside tests');
    return app;
  };
}
