#!/usr/bin/env node
/**
 * Records in package-lock.json the platform-specific optional packages (native builds for other
 * operating systems and CPUs) that `npm install` could not look up, so `npm ci` accepts the lock
 * on every platform. Some registry mirrors serve only the platforms they need; npm then leaves
 * those entries out, and `npm ci` refuses the lock ("Missing: ... from lock file").
 * Each added entry names its os/cpu/libc, so npm skips it on other platforms and fetches it by
 * version where it fits. Run after changing dependencies: `node scripts/complete-lockfile.mjs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { URL } from 'node:url';

const LOCK = new URL('../package-lock.json', import.meta.url);
const OS = { darwin: 'darwin', linux: 'linux', win32: 'win32', windows: 'win32', android: 'android', freebsd: 'freebsd', openharmony: 'openharmony' };
const CPU = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

/** os, cpu and libc from a name like `@swc/core-linux-arm-gnueabihf` or `...-win32-x64-msvc`. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osIndex = parts.findIndex((p) => p in OS);
  const cpu = parts.slice(osIndex + 1).find((p) => CPU.includes(p));
  if (osIndex < 0 || !cpu) return undefined;
  const os = OS[parts[osIndex]];
  const tail = parts.slice(osIndex + 1).join('-');
  const libc = os !== 'linux' ? undefined : /musl/.test(tail) ? ['musl'] : /gnu/.test(tail) ? ['glibc'] : undefined;
  return { cpu: [cpu], os: [os], ...(libc && { libc }) };
}

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    if (lock.packages[base] || lock.packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) continue;
    lock.packages[`node_modules/${dep}`] = {
      version: spec,
      ...platform,
      ...(entry.dev && { dev: true }),
      optional: true,
    };
    added.push(`${dep}@${spec}`);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(added.length ? `recorded ${added.length} platform packages:\n  ${added.join('\n  ')}\n` : 'lock file complete\n');
