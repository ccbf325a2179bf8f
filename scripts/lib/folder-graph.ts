/**
 * The import graph between the folders of src/ (STYLE rule 12: dependencies point one way). A
 * folder is a feature module (`modules/<name>`) or a top-level folder (`common`, `config`,
 * `database`, ...); generated code is left out. Type-only imports count: they still tie the
 * folders together. Used by test/static/module-boundaries.spec.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/** `import ... from './x.js'`, `export ... from '../y.js'`, `import type ...`: relative specifiers only. */
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gm;

export type Edge = { from: string; to: string; file: string; specifier: string };

export function folderOf(srcRoot: string, file: string): string | null {
  const parts = relative(srcRoot, file).split(sep);
  if (parts[0] === 'generated' || parts[0] === '..') return null;
  if (parts[0] === 'modules' && parts.length > 2) return `modules/${parts[1]}`;
  return parts.length > 1 ? (parts[0] ?? null) : null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every import from one folder of src/ into another. */
export function folderEdges(srcRoot: string): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(srcRoot)) {
    const from = folderOf(srcRoot, file);
    if (!from) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? '';
      const to = folderOf(srcRoot, normalize(join(dirname(file), specifier)));
      if (to && to !== from) edges.push({ from, to, file: relative(srcRoot, file), specifier });
    }
  }
  return edges;
}

/** The strongly connected components with more than one folder (Tarjan): each is a cycle. */
export function cycles(edges: Pick<Edge, 'from' | 'to'>[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) graph.set(from, (graph.get(from) ?? new Set()).add(to));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}
