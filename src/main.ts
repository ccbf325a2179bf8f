import 'reflect-metadata';
import { loadConfig, type AppConfig } from './config/app-config.js';
import { ConfigValidationError } from './config/config.error.js';
import { useValidatedConfig } from './config/config.module.js';
import { startServer } from './server.js';

// Validate the environment before anything else, once: a missing or weak secret stops the start
// with a message naming the variable. The app then uses this parse (config.module.ts).
let config: AppConfig;
try {
  config = useValidatedConfig(loadConfig());
} catch (err) {
  if (!(err instanceof ConfigValidationError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

const { url } = await startServer({ config });
process.stdout.write(`API listening on ${url}\n`);
