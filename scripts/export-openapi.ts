/**
 * Writes the OpenAPI document the running app would serve at /docs-json to `dist/openapi.json`,
 * without a database or network: the app is created, never started. For `npm run lint:openapi`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import 'reflect-metadata';
import { AppModule } from '../src/app.module.js';
import { APP_OPTIONS, configureApp } from '../src/app.setup.js';
import { buildOpenApiDocument } from '../src/docs/openapi.js';
import { ensureMfaKey, ensureSigningKey } from './generate-keys.js';

const keys = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'keys');
process.env.DATABASE_URL ??= 'postgresql://openapi:unused@127.0.0.1:1/none';
process.env.JWT_PRIVATE_KEY_FILE ??= ensureSigningKey(keys);
process.env.MFA_ENCRYPTION_KEYS ??= ensureMfaKey(keys);
process.env.LOG_LEVEL = 'silent';

const app = configureApp(await NestFactory.create<NestExpressApplication>(AppModule, { ...APP_OPTIONS, logger: false }), { shutdownHooks: false });
const document = buildOpenApiDocument(app);
mkdirSync('dist', { recursive: true });
writeFileSync('dist/openapi.json', `${JSON.stringify(document, null, 2)}\n`);
process.stdout.write(`dist/openapi.json: ${Object.keys(document.paths).length} paths\n`);
await app.close();
