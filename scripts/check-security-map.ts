/**
 * Keeps docs/SECURITY.md honest: every file it names must exist, and every test it cites as proof
 * must be a real test title in that file. A renamed or deleted test, or a moved file, fails the
 * unit suite (scripts/check-security-map.spec.ts) instead of leaving the map silently wrong.
 *
 * The map has two tables, told apart by their first header cell:
 *  - `Risk`: one row per OWASP API Security Top 10 2023 risk (API1..API10): risk, files, proof;
 *  - `ID`: one row per security checklist item: ID, requirement, implementation, proof.
 * In the implementation and proof columns every `backticked` token is a repo-relative path. A
 * proof citation is `path` › "title substring", "another substring": each substring must occur in
 * the title of an it()/test()/describe() (it.each included) of that file, as Jest shows it before
 * substituting %s / $name. A row without any cited test must say "not yet proven", and every row
 * that says so must be listed (as a bold `**ID**` bullet) in the Gaps section, and vice versa.
 *
 * `node dist/scripts/check-security-map.js` (after `npm run build`) prints the problems and exits 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export const SECURITY_MAP_PATH = 'docs/SECURITY.md';

export interface SecurityMapReport {
  /** Everything wrong with the map; empty when it is consistent with the repository. */
  problems: string[];
  /** The checklist IDs of the `ID` table, in order. */
  ids: string[];
  /** The OWASP risks of the `Risk` table, as `API1`..`API10`, in order. */
  risks: string[];
}

const CHECKLIST_ID = /^[A-Z]+-\d{2}$/;
const RISK_ID = /^API(\d{1,2})\b/;
const NOT_PROVEN = 'not yet proven';
const TEST_FILE = /\.(?:e2e-)?spec\.ts$/;
/** `path` › "title", "title" */
const CITATION = /`([^`]+)`\s*›\s*((?:"[^"]+"\s*,?\s*)+)/g;
const BACKTICKED = /`([^`]+)`/g;
/** Callees whose first string argument is a test title: it, test, describe (and xit, describeWithRedis, it.each(...), ...). */
const TEST_FUNCTION = /^[fx]?(?:it|test|describe)(?:[A-Z]\w*)?$/;

interface TableRow {
  kind: 'checklist' | 'risk';
  line: number;
  cells: string[];
}

/** Checks docs/SECURITY.md under `root`, or `markdown` when given (as if it were that file). */
export function checkSecurityMap(root: string, markdown?: string): SecurityMapReport {
  const problems: string[] = [];
  const text = markdown ?? readMap(root, problems);
  const rows = parseTables(text);
  const titles = new TitleIndex(root);
  const ids: string[] = [];
  const risks: string[] = [];
  const unproven = new Set<string>();

  for (const row of rows) {
    const where = `line ${row.line}`;
    if (row.kind === 'checklist') {
      if (row.cells.length !== 4) {
        problems.push(`${where}: a checklist row needs 4 cells (ID, requirement, implementation, proof), found ${row.cells.length}`);
        continue;
      }
      const [id, , implementation, proof] = row.cells;
      if (!CHECKLIST_ID.test(id)) problems.push(`${where}: "${id}" is not a checklist ID like JWT-02`);
      else if (ids.includes(id)) problems.push(`${where}: ${id} appears more than once`);
      ids.push(id);
      const label = `${where} (${id})`;
      if (checkFiles(root, implementation, `${label} implementation`, problems) === 0) {
        problems.push(`${label}: the implementation column names no file`);
      }
      const cited = checkProof(root, proof, label, titles, problems);
      if (proof.toLowerCase().includes(NOT_PROVEN)) unproven.add(id);
      else if (cited === 0) problems.push(`${label}: cites no test title; write "${NOT_PROVEN}" and list it under Gaps`);
    } else {
      if (row.cells.length !== 3) {
        problems.push(`${where}: an OWASP row needs 3 cells (risk, where handled, proof), found ${row.cells.length}`);
        continue;
      }
      const [risk, handled, proof] = row.cells;
      const match = RISK_ID.exec(risk);
      const riskId = match ? `API${Number(match[1])}` : risk;
      if (risks.includes(riskId)) problems.push(`${where}: ${riskId} appears more than once`);
      risks.push(riskId);
      const label = `${where} (${riskId})`;
      if (checkFiles(root, handled, `${label} handled-in`, problems) === 0) problems.push(`${label}: cites no existing file where it is handled`);
      checkProof(root, proof, label, titles, problems);
      if (!backticked(proof).some((path) => TEST_FILE.test(path) && exists(root, path))) {
        problems.push(`${label}: the proof column cites no existing test file`);
      }
      if (proof.toLowerCase().includes(NOT_PROVEN)) unproven.add(riskId);
    }
  }

  for (let n = 1; n <= 10; n++) {
    if (!risks.includes(`API${n}`)) problems.push(`API${n} has no row in the OWASP table`);
  }
  for (const risk of risks) {
    if (!/^API(?:[1-9]|10)$/.test(risk)) problems.push(`"${risk}" is not an OWASP API Top 10 2023 risk (API1..API10)`);
  }

  const gaps = parseGaps(text);
  if (gaps === undefined) {
    if (unproven.size > 0) problems.push('there is no "Gaps" section, yet some rows are not yet proven');
  } else {
    for (const id of unproven) if (!gaps.includes(id)) problems.push(`${id} says "${NOT_PROVEN}" but is not listed under Gaps`);
    for (const id of gaps) if (!unproven.has(id)) problems.push(`${id} is listed under Gaps but its row does not say "${NOT_PROVEN}"`);
  }
  return { problems, ids, risks };
}

function readMap(root: string, problems: string[]): string {
  const file = join(root, SECURITY_MAP_PATH);
  if (!existsSync(file)) {
    problems.push(`${SECURITY_MAP_PATH} does not exist`);
    return '';
  }
  return readFileSync(file, 'utf8');
}

/** Rows of the tables whose first header cell is `ID` (checklist) or `Risk` (OWASP). */
function parseTables(text: string): TableRow[] {
  const lines = text.split(/\r?\n/);
  const rows: TableRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    const isTableStart = lines[i].trimStart().startsWith('|') && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? '');
    if (!isTableStart) continue;
    const header = splitRow(lines[i])[0]?.toLowerCase() ?? '';
    const kind = header === 'id' ? 'checklist' : header.startsWith('risk') ? 'risk' : undefined;
    let j = i + 2;
    for (; j < lines.length && lines[j].trimStart().startsWith('|'); j++) {
      if (kind) rows.push({ kind, line: j + 1, cells: splitRow(lines[j]) });
    }
    i = j - 1;
  }
  return rows;
}

function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** The IDs in bold at the start of each bullet of the "Gaps" section, or undefined without one. */
function parseGaps(text: string): string[] | undefined {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^#{1,6}\s+Gaps\b/i.test(line));
  if (start < 0) return undefined;
  const level = /^#+/.exec(lines[start])?.[0].length ?? 2;
  const ids: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const heading = /^(#{1,6})\s/.exec(line);
    if (heading && heading[1].length <= level) break;
    const bold = /^\s*[-*]\s+\*\*([^*]+)\*\*/.exec(line);
    if (bold) ids.push(...(bold[1].match(/\b(?:[A-Z]+-\d{2}|API\d{1,2})\b/g) ?? []));
  }
  return ids;
}

function backticked(cell: string): string[] {
  return [...cell.matchAll(BACKTICKED)].map((m) => m[1].trim());
}

/** Reports every backticked path of `cell` that does not exist; returns how many do. */
function checkFiles(root: string, cell: string, label: string, problems: string[]): number {
  let found = 0;
  for (const path of backticked(cell)) {
    if (exists(root, path)) found++;
    else problems.push(`${label}: \`${path}\` does not exist`);
  }
  return found;
}

/** Checks the files and cited titles of a proof cell; returns how many titles were found. */
function checkProof(root: string, cell: string, label: string, titles: TitleIndex, problems: string[]): number {
  checkFiles(root, cell, `${label} proof`, problems);
  let found = 0;
  for (const [, path, quoted] of cell.matchAll(CITATION)) {
    const file = path.trim();
    if (!TEST_FILE.test(file)) {
      problems.push(`${label}: \`${file}\` is cited with test titles but is not a test file`);
      continue;
    }
    if (!exists(root, file)) continue; // already reported
    for (const [, wanted] of quoted.matchAll(/"([^"]+)"/g)) {
      if (titles.of(file).some((title) => title.includes(wanted))) found++;
      else problems.push(`${label}: no test title in \`${file}\` contains "${wanted}"`);
    }
  }
  const leftover = cell.replace(CITATION, '');
  if (/"[^"]*"/.test(leftover)) problems.push(`${label}: a quoted test title is not attached to its file (\`path\` › "title")`);
  return found;
}

function exists(root: string, path: string): boolean {
  const clean = normalize(path);
  if (isAbsolute(clean) || clean.startsWith('..')) return false;
  return existsSync(join(root, clean));
}

/** The titles of it()/test()/describe() calls per test file, parsed with the TypeScript compiler. */
class TitleIndex {
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly root: string) {}

  of(path: string): string[] {
    let titles = this.cache.get(path);
    if (!titles) {
      titles = testTitles(readFileSync(join(this.root, path), 'utf8'), path);
      this.cache.set(path, titles);
    }
    return titles;
  }
}

/** Every literal first argument of a test-function call: `it('x')`, `it.each(rows)('x %s')`, `describe.skip('x')`. */
export function testTitles(source: string, fileName = 'test.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const titles: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isTestFunction(node.expression)) {
      const title = literalText(node.arguments[0]);
      if (title !== undefined) titles.push(title);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return titles;
}

function isTestFunction(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return TEST_FUNCTION.test(callee.text);
  if (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) return isTestFunction(callee.expression);
  return false;
}

function literalText(node: ts.Expression | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((span) => `\${…}${span.literal.text}`).join('');
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { problems, ids, risks } = checkSecurityMap(process.cwd());
  if (problems.length > 0) {
    process.stderr.write(`${SECURITY_MAP_PATH}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`${SECURITY_MAP_PATH}: ${ids.length} checklist items and ${risks.length} OWASP risks, every file and test title found\n`);
  }
}
