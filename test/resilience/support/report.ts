/**
 * The figures of the last resilience run go into docs/TESTING.md ("What we tested under failure"), between
 * `<!-- resilience:<name> -->` and `<!-- /resilience:<name> -->`, so that page always shows what
 * was last measured (and the diff shows when it changes).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const FIGURES = 'docs/TESTING.md';

export function recordFigures(name: string, lines: string[]): void {
  const page = readFileSync(FIGURES, 'utf8');
  const open = `<!-- resilience:${name} -->`;
  const close = `<!-- /resilience:${name} -->`;
  const start = page.indexOf(open);
  const end = page.indexOf(close);
  if (start < 0 || end < start) throw new Error(`${FIGURES} has no ${open} ... ${close} block`);
  const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const block = `${open}\n${lines.join('\n')}\n_(last run: ${stamp} UTC)_\n${close}`;
  writeFileSync(FIGURES, page.slice(0, start) + block + page.slice(end + close.length));
}
