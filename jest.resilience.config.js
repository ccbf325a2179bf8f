// `npm run test:resilience`: load, faults, hostile input and races (test/resilience/). Kept out
// of `npm test` because it takes minutes and wants the machine to itself: one file at a time.
// In-process specs use the same fresh database as the e2e suite (global setup); the process-level
// specs start the production build on PostgreSQL servers of their own, which they stop and start.
import { common } from './jest.config.js';

export default {
  ...common,
  displayName: 'resilience',
  testMatch: ['<rootDir>/test/resilience/**/*.spec.ts'],
  globalSetup: '<rootDir>/test/setup/global-setup.cjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.cjs',
  testTimeout: 300_000,
  maxWorkers: 1,
};
