/**
 * The figures of the last resilience run go into README.md, between
 * `<!-- resilience:<name> -->` and `<!-- /resilience:<name> -->`, so the README always shows what
 * was last measured (and the diff shows when it changes).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export function recordFigures(name: string, lines: string[]): void {
  const readme = readFileSync('README.md', 'utf8');
  const open = `<!-- resilience:${name} -->`;
  const close = `<!-- /resilience:${name} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} ... ${close} block`);
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const block = `${open}\n${lines.join('\n')}\n_(last run: ${stamp} UTC)_\n${close}`;
  writeFileSync('README.md', readme.slice(0, start) + block + readme.slice(end + close.length));
}
