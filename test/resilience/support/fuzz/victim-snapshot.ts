import { isDeepStrictEqual } from 'node:util';
import type { PrismaService } from '../../../../src/database/prisma.service.js';

/**
 * Everything the victim owns, read straight from the database. The victim never acts during the
 * run, so nothing in here may change: not a title, not a session's revocation, not a key's last
 * use. Left out on purpose: password reset tokens (anyone may ask for a reset mail for any
 * address, by design) and audit events (the log of what the attacker tried, not the victim's data).
 */
export async function snapshotVictim(prisma: PrismaService, userId: string): Promise<Record<string, unknown>> {
  const [user, posts, sessions, refreshTokens, apiKeys, mfaSecret, recoveryCodes, oauthAccounts] = await Promise.all([
    prisma.user.findUnique({ where: { id: userId } }),
    prisma.post.findMany({ where: { authorId: userId }, orderBy: { id: 'asc' } }),
    prisma.session.findMany({ where: { userId }, orderBy: { id: 'asc' } }),
    prisma.refreshToken.findMany({ where: { session: { userId } }, orderBy: { id: 'asc' } }),
    prisma.apiKey.findMany({ where: { userId }, orderBy: { id: 'asc' } }),
    prisma.mfaSecret.findUnique({ where: { userId } }),
    prisma.mfaRecoveryCode.findMany({ where: { userId }, orderBy: { id: 'asc' } }),
    prisma.oAuthAccount.findMany({ where: { userId }, orderBy: { id: 'asc' } }),
  ]);
  return JSON.parse(JSON.stringify({ user, posts, sessions, refreshTokens, apiKeys, mfaSecret, recoveryCodes, oauthAccounts })) as Record<string, unknown>;
}

/** The sections of two snapshots that differ, before and after, as readable JSON. */
export function snapshotDiff(before: Record<string, unknown>, after: Record<string, unknown>): string | undefined {
  const changed = Object.keys(before).filter((key) => !isDeepStrictEqual(before[key], after[key]));
  if (changed.length === 0) return undefined;
  return changed.map((key) => `${key}:\n  before: ${JSON.stringify(before[key])}\n  after:  ${JSON.stringify(after[key])}`).join('\n');
}

/** Users holding a role or a plan above the default, other than those the run made so. */
export async function privilegedUsers(prisma: PrismaService, exclude: string[]): Promise<string[]> {
  const rows = await prisma.user.findMany({
    where: { id: { notIn: exclude }, OR: [{ role: { not: 'user' } }, { plan: { not: 'DEFAULT' } }] },
    select: { id: true, role: true, plan: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((row) => `${row.id}:${row.role}:${row.plan}`);
}
