// Jest 30 in native ESM mode (run through `node --experimental-vm-modules`), TypeScript compiled
// by @swc/jest with the same decorator settings as the build.
export const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'es6' },
    },
  ],
};

export const common = {
  rootDir: '.',
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import siblings as `./x.js` (ESM); Jest resolves the `.ts` file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/setup/nest-preload.ts'],
  // Node.js binaries that .ci/run unpacks there: not part of the project.
  modulePathIgnorePatterns: ['<rootDir>/.cache/'],
};

export default {
  // A global option (Jest ignores it inside a project): the e2e and security tests boot apps and hash passwords.
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts', '<rootDir>/test/static/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/test/security/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.cjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.cjs',
    },
  ],
};
