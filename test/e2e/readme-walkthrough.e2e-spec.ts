/**
 * The README's walkthrough, run as written: its shell blocks (between `<!-- walkthrough -->` and
 * `<!-- /walkthrough -->`) in order, in one bash, against a freshly started app whose dev mail
 * transport appends every mail to a file, as `npm run dev` does with `.data/mail.log`. Two things
 * are swapped, nothing else: the API's address (this app listens on a free port) and the mail
 * file's path. Every curl must get a 2xx unless it prints the status with `-w '%{http_code}\n'`;
 * those printed statuses must be the ones the README's comments promise (`# 401`). So the README
 * cannot drift from the API again: a changed route, body or rule fails this test.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueKeyPrefix } from '../security/support/live-app.js';
import { createTestApp } from '../setup/create-test-app.js';

const README_API = 'http://127.0.0.1:3000';
const README_MAIL_LOG = '.data/mail.log';

/** The shell blocks of the README's walkthrough, in order. */
export function walkthroughBlocks(readme: string): string[] {
  const start = readme.indexOf('<!-- walkthrough -->');
  const end = readme.indexOf('<!-- /walkthrough -->');
  if (start < 0 || end < start) throw new Error('README.md has no <!-- walkthrough --> ... <!-- /walkthrough --> section');
  return [...readme.slice(start, end).matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
}

/** The statuses the walkthrough prints (`-w '%{http_code}\n'`), as its comments state them, in order. */
export function promisedStatuses(blocks: string[]): string[] {
  return blocks
    .join('\n')
    .replaceAll('\\\n', ' ') // one command per line: continuation lines joined
    .split('\n')
    .filter((line) => line.includes("-w '%{http_code}\\n'"))
    .map((line) => {
      const promised = /#\s*(\d{3})\b/.exec(line)?.[1];
      if (!promised) throw new Error(`a walkthrough line prints a status without saying which: ${line}`);
      return promised;
    });
}

/**
 * curl as the README calls it, made strict: an HTTP error fails the script (with its body shown),
 * unless the line prints the status itself. A newline after each body keeps the transcript readable.
 */
const PRELUDE = `set -euo pipefail
curl() {
  case " $* " in
    *" -w "*) command curl "$@" ;;
    *) command curl --fail-with-body "$@"; echo ;;
  esac
}
`;

function run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd: process.cwd(), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('README walkthrough', () => {
  const readme = readFileSync('README.md', 'utf8');
  const blocks = walkthroughBlocks(readme);
  let app: NestExpressApplication;
  let dir: string;
  let mailLog: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'walkthrough-'));
    mailLog = join(dir, 'mail.log');
    app = await createTestApp({ MAIL_TRANSPORT: 'log', MAIL_LOG_FILE: mailLog, RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the address and the mail log it is run against', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const all = blocks.join('\n');
    expect(all).toContain(README_API);
    expect(all).toContain(README_MAIL_LOG);
  });

  it('runs top to bottom against a fresh app: every call answers as the README says', async () => {
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const script =
      PRELUDE +
      blocks
        .map((block, i) => `echo "--- walkthrough block ${i + 1}" >&2\n${block}`)
        .join('\n')
        .replaceAll(README_API, `http://127.0.0.1:${port}`)
        .replaceAll(README_MAIL_LOG, mailLog);

    const { code, stdout, stderr } = await run(script);

    const transcript = `exit ${code}\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}`;
    expect({ code, transcript }).toEqual({ code: 0, transcript: expect.any(String) });
    const printed = stdout.split('\n').filter((line) => /^\d{3}$/.test(line));
    expect(printed).toEqual(promisedStatuses(blocks));
    // The mails the walkthrough read its links from really went through the dev transport's file.
    expect(readFileSync(mailLog, 'utf8')).toMatch(/verify-email#token=[\s\S]*reset-password#token=/);
  }, 150_000);

  it('the checks above can fail: a wrong promise or a failing call is caught', async () => {
    expect(() => promisedStatuses(["curl -s -o /dev/null -w '%{http_code}\\n' $API/users/me"])).toThrow(/without saying which/);
    const failing = await run(`${PRELUDE}curl -s http://127.0.0.1:9/nothing-listens-here`);
    expect(failing.code).not.toBe(0);
  });
});
