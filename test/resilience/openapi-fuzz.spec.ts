/**
 * Hostile input (OWASP API8 / API1 / API3 / API5): a property-based fuzzer driven by the OpenAPI
 * document the app serves. For every operation it sends FUZZ_RUNS generated requests (wrong types,
 * huge and tiny values, unicode and control characters, nested objects and arrays for scalars,
 * SQL and script payloads, prototype-pollution keys, broken JSON, wrong content types, bodies over
 * the limit) with the attacker's real, forged, garbled or missing credentials, aimed at the
 * victim's ids as much as at its own. Every answer must be < 500, leak no stack, path, SQL or
 * library text, and be the standard error body when it is an error; after every operation the
 * victim's rows must be exactly as they were, and no attacker may have gained a role or a plan.
 *
 *   FUZZ_RUNS=1000     requests per operation (at most: see FUZZ_SECONDS)
 *   FUZZ_SEED=<int>    fast-check seed (fixed by default, so a failure replays)
 *   FUZZ_ONLY=<text>   only the operation "METHOD /path" (or those whose id contains the text)
 *   FUZZ_PATH=<path>   with FUZZ_SEED and FUZZ_ONLY: replay just the failing batch a report names
 *   FUZZ_SHRINK=1      let fast-check shrink a failure (slow; the app's state moves on meanwhile)
 *   FUZZ_KEEP_GOING=1  do not stop an operation at its first violation: list up to 10 at its end
 *   FUZZ_PARALLEL=4    requests in flight at once (a batch: one fast-check run)
 *   FUZZ_SECONDS=180   time for all operations; each gets an equal share of what is left, so a
 *                      slow one (MFA setup draws a QR code, which is slow under Jest's VM) sends
 *                      fewer requests instead of stretching the run. The summary says how many.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AppConfig } from '../../src/config/app-config.js';
import { PrismaService } from '../../src/database/prisma.service.js';
import { buildOpenApiDocument } from '../../src/docs/openapi.js';
import { uniqueKeyPrefix } from '../security/support/live-app.js';
import { createTestApp } from '../setup/create-test-app.js';
import { Cast } from './support/fuzz/cast.js';
import { ForgedTokens } from './support/fuzz/credentials.js';
import { FuzzReport } from './support/fuzz/fuzz-report.js';
import { recordFigures } from './support/report.js';
import { describeExchange, exchange, outgoing, type Outgoing } from './support/fuzz/http-exchange.js';
import { operationsOf, type Operation } from './support/fuzz/openapi-operations.js';
import { requestArbitrary, type FuzzRequest } from './support/fuzz/request-arbitrary.js';
import { responseViolation, type Captured } from './support/fuzz/response-oracle.js';
import { privilegedUsers, snapshotDiff, snapshotVictim } from './support/fuzz/victim-snapshot.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_611);
const ONLY = process.env.FUZZ_ONLY;
const REPLAY_PATH = process.env.FUZZ_PATH;
const SHRINK = process.env.FUZZ_SHRINK === '1';
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';
const PARALLEL = Math.max(1, Number(process.env.FUZZ_PARALLEL ?? 4));
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 180);

// The app is built before the tests are declared: the operations (one test each) come from its
// document, built by the same function that serves /docs-json.
const app = await createTestApp({ RATE_LIMIT_KEY_PREFIX: uniqueKeyPrefix() });
// Sign-in operations hash passwords (argon2) and draw QR codes: they go last, where the time the
// cheap operations left unused is shared among them (see FUZZ_SECONDS).
const documented = operationsOf(buildOpenApiDocument(app));
const exact = documented.filter((op) => op.id === ONLY);
const operations = (exact.length > 0 ? exact : documented.filter((op) => !ONLY || op.id.includes(ONLY))).sort(
  (a, b) => Number(a.path.includes('/auth/')) - Number(b.path.includes('/auth/')),
);

/**
 * Every documented operation is fuzzed, health, JWKS and Google's included. Google sign-in must
 * be unconfigured here (as in the test environment): configured, its callback would exchange
 * codes with the real provider, a call out of this machine.
 */
if (app.get(AppConfig).google) throw new Error('openapi-fuzz runs with Google sign-in unconfigured (unset GOOGLE_CLIENT_ID)');

const ATTACKER_CREDENTIALS = new Set(['attacker-bearer', 'attacker-api-key', 'bearer-and-api-key']);
/** Operations whose success can end the attacker's session, key or password, or the account itself. */
const ENDS_CREDENTIALS = /\/auth\/|\/api-keys|\/users\/me\/password|\/users\/me$/;

class FuzzViolation extends Error {}

/** What an operation's run keeps: its last successful writes, and its violations (FUZZ_KEEP_GOING). */
type Trail = { successes: string[]; violations: string[] };

/** Each operation gets its own stream of cases (from FUZZ_SEED and its id), not the same one. */
const seedOf = (op: Operation) => [...op.id].reduce((hash, char) => Math.imul(hash ^ char.charCodeAt(0), 16_777_619) >>> 0, SEED >>> 0);

describe('hostile input: OpenAPI-driven fuzzing (never a 5xx, a leak, or a change to another user)', () => {
  const report = new FuzzReport();
  const forged = new ForgedTokens();
  const prisma = app.get(PrismaService);
  let baseUrl = '';
  let cast: Cast;
  let victimBefore: Record<string, unknown>;
  let privilegedBefore: string[];
  const started = performance.now();
  let deadline = 0;
  let operationsLeft = operations.length;

  beforeAll(async () => {
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    cast = await Cast.assemble(app);
    victimBefore = await snapshotVictim(prisma, cast.victim.id);
    privilegedBefore = await privilegedUsers(prisma, [cast.admin.id, cast.sandbox.id]);
    deadline = performance.now() + SECONDS * 1000;
  });

  afterAll(async () => {
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    const header = `openapi-fuzz: seed ${SEED}, up to ${RUNS} requests per operation, ${PARALLEL} in flight, ${seconds} s; housekeeping ${JSON.stringify(cast?.housekeeping)}`;
    process.stdout.write(report.summary(header));
    recordFigures('fuzz', [
      `- **Hostile input** (fast-check from the OpenAPI document, seed ${SEED}, ${seconds} s): ${report.total} requests over ${report.operations} operations,`,
      `  as a user, an admin aimed at a sandbox user, with forged, expired and no credentials: ${report.where((s) => s >= 200 && s < 300)} 2xx,`,
      `  ${report.where((s) => s >= 400 && s < 500)} 4xx, ${report.where((s) => s >= 500)} 5xx; no stack, SQL or library text in a body; the victim's rows unchanged.`,
      `  It found five ways to a 500 when first run (gzip-labelled bodies, NUL, lone surrogates, null optional fields, out-of-range dates), all fixed.`,
    ]);
    await app.close();
  });

  /** True when the attacker must be checked (and renewed): its session, key or password may be gone. */
  function attackerMayHaveChanged(op: Operation, request: FuzzRequest, out: Outgoing, res: Captured): boolean {
    const asAttacker = ATTACKER_CREDENTIALS.has(request.credential);
    if (asAttacker && op.path.endsWith('/users/me/password') && res.status === 204) cast.passwordChanged(jsonField(out.body, 'newPassword'));
    return (asAttacker && res.status === 401) || (res.status < 400 && op.method !== 'GET' && ENDS_CREDENTIALS.test(op.path));
  }

  /** One request: sent, recorded, judged. Resolves to whether the attacker needs a check. */
  async function fuzzOnce(op: Operation, request: FuzzRequest, trail: Trail): Promise<boolean> {
    const out = outgoing(op, request, { baseUrl, resolve: cast.resolve, wallet: cast.wallet(), forged });
    const res = await exchange(out);
    report.record(op.id, res.status, res.ms);
    // Only the admin may see the victim's private rows (the audit trail names its sessions and keys).
    const problem = responseViolation(res) ?? (request.credential === 'admin-bearer' ? undefined : cast.victimPrivateIn(res));
    if (problem && !KEEP_GOING) throw new FuzzViolation(`${problem}\n${describeExchange(out, res)}`);
    if (problem && trail.violations.length < 10) trail.violations.push(`${problem}\n${describeExchange(out, res)}`);
    if (res.status < 400 && op.method !== 'GET') trail.successes = [...trail.successes.slice(-3), describeExchange(out, res)];
    return attackerMayHaveChanged(op, request, out, res);
  }

  /** A batch in flight together; the first violation (in batch order) fails the run. */
  async function fuzzBatch(op: Operation, batch: FuzzRequest[], trail: Trail): Promise<void> {
    const settled = await Promise.allSettled(batch.map((request) => fuzzOnce(op, request, trail)));
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    if (settled.some((outcome) => outcome.status === 'fulfilled' && outcome.value)) await cast.ensureAttacker();
  }

  /** The victim untouched, and nobody but the admin's sandbox user holding a new role or plan. */
  async function collateral(op: Operation, successes: string[]): Promise<string | undefined> {
    const victimDiff = snapshotDiff(victimBefore, await snapshotVictim(prisma, cast.victim.id));
    const privileged = await privilegedUsers(prisma, [cast.admin.id, cast.sandbox.id]);
    const escalated = privileged.filter((row) => !privilegedBefore.includes(row));
    if (!victimDiff && escalated.length === 0) return undefined;
    return [
      `${op.id} changed what it must not:`,
      ...(victimDiff ? [`the victim's rows:\n${victimDiff}`] : []),
      ...(escalated.length > 0 ? [`users newly privileged (id:role:plan): ${escalated.join(', ')} (attackers: ${[...cast.attackerIds].join(', ')})`] : []),
      `the last successful non-GET requests of this operation:\n${successes.join('\n---\n') || '(none)'}`,
    ].join('\n');
  }

  for (const op of operations) {
    it(op.id, async () => {
      const trail: Trail = { successes: [], violations: [] };
      await cast.restock();
      const timeLimit = Math.max(2_000, (deadline - performance.now()) / operationsLeft--);
      const batches = fc.array(requestArbitrary(op), { minLength: PARALLEL, maxLength: PARALLEL });
      const property = fc.asyncProperty(batches, (batch) => fuzzBatch(op, batch, trail));
      const result = await fc.check(property, {
        seed: seedOf(op),
        numRuns: Math.ceil(RUNS / PARALLEL),
        endOnFailure: !SHRINK,
        interruptAfterTimeLimit: timeLimit,
        markInterruptAsFailure: false,
        ...(REPLAY_PATH && { path: REPLAY_PATH }),
      });
      // The victim is checked whatever the outcome: a failed run may have done damage too.
      const damage = await collateral(op, trail.successes);
      const problems = [
        ...(result.failed ? [failureMessage(op, result)] : []),
        ...(trail.violations.length > 0 ? [`${op.id}: ${trail.violations.length} violations (FUZZ_KEEP_GOING)\n\n${trail.violations.join('\n\n')}`] : []),
        ...(damage ? [damage] : []),
      ];
      if (problems.length > 0) throw new Error(problems.join('\n\n'));
      // A run every answer of which was "who are you?" would have fuzzed nothing behind the guard.
      expect(report.count(op.id, [401, 429])).toBeLessThan(report.sent(op.id));
    });
  }
});

function jsonField(body: Uint8Array | undefined, field: string): unknown {
  try {
    return (JSON.parse(Buffer.from(body ?? []).toString('utf8')) as Record<string, unknown>)[field];
  } catch {
    return undefined;
  }
}

function failureMessage(op: Operation, result: fc.RunDetails<[FuzzRequest[]]>): string {
  const error = result.errorInstance;
  const what = error instanceof FuzzViolation ? error.message : `the fuzzer itself failed: ${error instanceof Error ? error.stack : String(error)}`;
  return [
    `${op.id}: ${what}`,
    `(batch ${result.numRuns} of ${PARALLEL} requests; up to ${Math.ceil(RUNS / PARALLEL)} batches)`,
    `replay: FUZZ_SEED=${SEED} FUZZ_ONLY='${op.id}' FUZZ_PATH='${result.counterexamplePath ?? ''}' node --experimental-vm-modules node_modules/jest/bin/jest.js -c jest.resilience.config.js test/resilience/openapi-fuzz`,
  ].join('\n');
}
