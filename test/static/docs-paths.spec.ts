/**
 * The guides point at real files: every repo path that the README or a guide under docs/ names in
 * backticks must exist, so a renamed or deleted file cannot
 * leave a newcomer following a dead trail (docs/SECURITY.md has its own, stricter checker).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

const GUIDES = [
  'README.md',
  'docs/API.md',
  'docs/ARCHITECTURE.md',
  'docs/CONFIGURATION.md',
  'docs/DEPLOY.md',
  'docs/DEVELOPMENT.md',
  'docs/EXTENDING.md',
  'docs/OPERATIONS.md',
  'docs/SECURITY-MODEL.md',
  'docs/TESTING.md',
];
/** Backticked repo paths: under a top-level folder of the repo, ending in a file name or a slash. */
const PATH = /`((?:src|test|scripts|prisma|docs|ops|bench|deploy|\.ci)\/[\w./-]*[\w/])`/g;

export function namedPaths(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(PATH)].map((m) => m[1] ?? ''))].filter((path) => !path.includes('<') && !path.startsWith('src/generated'));
}

describe('paths named by the guides', () => {
  it('finds the paths a guide names (the check can fail)', () => {
    expect(namedPaths('see `src/app.module.ts` and `docs/NOPE.md`, not `npm test`')).toEqual(['src/app.module.ts', 'docs/NOPE.md']);
  });

  it.each(GUIDES)('every repo path %s names exists', (guide) => {
    const paths = namedPaths(readFileSync(guide, 'utf8'));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !existsSync(path))).toEqual([]);
  });
});
