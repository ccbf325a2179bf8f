import { rmSync } from 'node:fs';
import { dropDatabase } from '../../scripts/lib/database-admin.js';
import { getTestRun } from './test-run.js';

/** Drops the run's database and stops the embedded server, if one was started. */
export default async function globalTeardown(): Promise<void> {
  const run = getTestRun();
  if (!run) return;
  await dropDatabase(run.serverUrl, run.database);
  await run.stop?.();
  rmSync(run.scratch, { recursive: true, force: true });
}
