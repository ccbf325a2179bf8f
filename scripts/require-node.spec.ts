import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { isOlder } from './require-node.mjs';

const wanted = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;

describe('scripts/require-node.mjs (the Node.js check before npm test and npm run dev)', () => {
  it.each([
    ['20.20.2', true],
    ['24.8.9', true],
    ['24.9.0', false],
    ['24.22.3', false],
    ['v26.12.1', false],
  ])('Node %s is older than >=24.9: %s', (found, older) => {
    expect(isOlder(found, '>=24.9')).toBe(older);
  });

  it('passes on the Node.js running the tests, which meets engines.node', () => {
    expect(isOlder(process.versions.node, wanted)).toBe(false);
    expect(() => execFileSync(process.execPath, ['scripts/require-node.mjs'], { stdio: 'pipe' })).not.toThrow();
  });

  it('stops an older Node.js with one line naming the version needed and the one found', () => {
    // The same check as the script's, fed the version of an older Node.js.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `Object.defineProperty(process.versions, 'node', { value: '20.20.2' }); Object.defineProperty(process, 'version', { value: 'v20.20.2' }); process.argv[1] = 'scripts/require-node.mjs'; await import('./scripts/require-node.mjs');`], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/needs Node\.js >=24\.9 .*found v20\.20\.2/)]);
  });

  it('is what npm test and npm run dev run first', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['test', 'dev']) expect(scripts[name]).toMatch(/^node scripts\/require-node\.mjs && /);
  });
});
