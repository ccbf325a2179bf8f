import { describe, expect, it } from '@jest/globals';
import { checkSecurityMap, testTitles } from './check-security-map.js';

const root = process.cwd();

/** A checklist table of these rows, for the negative tests (it lacks the OWASP table, so look for the rows' own problems). */
function mapWith(...rows: string[]): string {
  return ['| ID | Requirement | Implementation | Proof |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

describe('docs/SECURITY.md', () => {
  const report = checkSecurityMap(root);

  it('names only files that exist and test titles that exist in the cited files', () => {
    expect(report.problems).toEqual([]);
  });

  it('maps at least 60 checklist items and every OWASP API Top 10 2023 risk', () => {
    expect(report.ids.length).toBeGreaterThanOrEqual(60);
    expect(new Set(report.ids).size).toBe(report.ids.length);
    expect([...report.risks].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `API${i + 1}`).sort());
  });
});

describe('checkSecurityMap', () => {
  const implementation = '`src/modules/auth/strategies/jwt.strategy.ts`';

  it('reports a cited test title that does not exist', () => {
    const { problems } = checkSecurityMap(root, mapWith(`| JWT-02 | HS256 | ${implementation} | \`test/security/api2-jwt.spec.ts\` › "JWT-02 accepts HS256 after all" |`));
    expect(problems).toContainEqual(expect.stringContaining('no test title in `test/security/api2-jwt.spec.ts` contains "JWT-02 accepts HS256 after all"'));
  });

  it('accepts the same row with a real title', () => {
    const { problems, ids } = checkSecurityMap(root, mapWith(`| JWT-02 | HS256 | ${implementation} | \`test/security/api2-jwt.spec.ts\` › "JWT-02 rejects HS256" |`));
    expect(ids).toEqual(['JWT-02']);
    expect(problems.filter((p) => p.includes('JWT-02'))).toEqual([]);
  });

  it('reports missing files, malformed and repeated IDs, and unlisted gaps', () => {
    const markdown = mapWith(
      `| JWT-2 | x | \`src/nowhere.ts\` | not yet proven |`,
      `| JWT-03 | x | ${implementation} | not yet proven |`,
      `| JWT-03 | x | ${implementation} | \`test/security/api2-jwt.spec.ts\` › "JWT-03" |`,
    );
    const { problems } = checkSecurityMap(root, markdown);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"JWT-2" is not a checklist ID'),
        expect.stringContaining('`src/nowhere.ts` does not exist'),
        expect.stringContaining('JWT-03 appears more than once'),
        expect.stringContaining('there is no "Gaps" section'),
        expect.stringContaining('API1 has no row'),
      ]),
    );
  });

  it('reads titles as Jest shows them: it.each, describe, escapes and helper describes', () => {
    const source = [
      "describe('outer', () => {",
      "  it.each<[string]>([['a'], ['b']])('VAL-01 %s is 400', () => {});",
      "  it.each(['x'])(\n    'multi-line %s',\n    () => {},\n  );",
      "  it('KEY-03 an ADMIN\\'s key', () => {});",
      "  describeWithRedis('shared', () => {});",
      "  expect(x).toBe('not a title');",
      '});',
    ].join('\n');
    expect(testTitles(source)).toEqual(['outer', 'VAL-01 %s is 400', 'multi-line %s', "KEY-03 an ADMIN's key", 'shared']);
  });
});
