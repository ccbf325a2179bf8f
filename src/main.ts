import 'reflect-metadata';
import { loadConfig } from './config/app-config.js';
import { ConfigValidationError } from './config/config.error.js';
import { startServer } from './server.js';

// Validate the environment before anything else: a missing or weak secret stops the start with
// a message naming the variable.
try {
  loadConfig();
} catch (err) {
  if (!(err instanceof ConfigValidationError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

const { url } = await startServer();
process.stdout.write(`API listening on ${url}\n`);
