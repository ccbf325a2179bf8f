/** What global setup started, for global teardown (both run in Jest's parent process). */
export type TestRun = { serverUrl: string; database: string; scratch: string; stop?: () => Promise<void> };

const KEY = Symbol.for('secure-api.test-run');

export function setTestRun(run: TestRun): void {
  (globalThis as Record<symbol, unknown>)[KEY] = run;
}

export function getTestRun(): TestRun | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as TestRun | undefined;
}
