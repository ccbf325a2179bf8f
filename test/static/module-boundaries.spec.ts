/**
 * Module boundaries people can study (STYLE rule 12): no import cycle between the folders of
 * src/, type-only imports included, and @Global() only for config, database and logging, so a
 * module's `imports` list is its dependency list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { cycles, folderEdges } from '../../scripts/lib/folder-graph.js';

const SRC = join(process.cwd(), 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('module boundaries', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    expect(cycles([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }])).toEqual([['a', 'b', 'c']]);
    expect(cycles([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }])).toEqual([]);
  });

  it('no import cycle between the folders of src/ (type-only imports count)', () => {
    const edges = folderEdges(SRC);
    expect(edges.length).toBeGreaterThan(20);
    const found = cycles(edges);
    // On failure, the edges that tie each cycle together say which import to move.
    const ties = found.map((cycle) => edges.filter((e) => cycle.includes(e.from) && cycle.includes(e.to)).map((e) => `${e.from} -> ${e.to}: ${e.file} imports ${e.specifier}`));
    expect(ties).toEqual([]);
  });

  it('@Global() only for config, database and logging', () => {
    const globals = files(SRC)
      .filter((file) => !file.includes(`${join('src', 'generated')}`) && /@Global\(\)/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file))
      .sort();
    const allowed = ['config/config.module.ts', 'database/database.module.ts', 'logging/logging.module.ts'];
    expect(globals.filter((file) => !allowed.includes(file))).toEqual([]);
    expect(globals.length).toBeGreaterThan(0);
  });
});
