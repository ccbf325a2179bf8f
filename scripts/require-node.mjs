/**
 * `npm test` and `npm run dev` start here: on a Node.js older than package.json's engines.node
 * they stop at once with one line, instead of failing later in a way that hides the cause.
 * Plain JavaScript that any Node.js still in use can parse.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL, URL } from 'node:url';

/** Whether `found` (e.g. "20.20.2") is older than `wanted` (">=MAJOR[.MINOR[.PATCH]]"). */
export function isOlder(found, wanted) {
  const minimum = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(wanted);
  if (!minimum) throw new Error(`engines.node must read ">=MAJOR[.MINOR[.PATCH]]", found "${wanted}"`);
  const need = minimum.slice(1).map((part) => Number(part ?? 0));
  const have = found.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < need.length; i++) if (have[i] !== need[i]) return have[i] < need[i];
  return false;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wanted = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
  if (isOlder(process.versions.node, wanted)) {
    process.stderr.write(`This project needs Node.js ${wanted} (Node 24 LTS, see .nvmrc); found ${process.version} at ${process.execPath}.\n`);
    process.exit(1);
  }
}
