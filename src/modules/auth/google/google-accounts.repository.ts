import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service.js';

export type ExternalIdentity = { issuer: string; subject: string; email: string };

/** External identities, keyed by (issuer, subject): an email can change hands, a subject cannot. */
@Injectable()
export class GoogleAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findUserId(issuer: string, subject: string): Promise<string | null> {
    const account = await this.prisma.oAuthAccount.findUnique({ where: { issuer_subject: { issuer, subject } }, select: { userId: true } });
    return account?.userId ?? null;
  }

  async link(userId: string, identity: ExternalIdentity): Promise<void> {
    await this.prisma.oAuthAccount.create({ data: { userId, ...identity }, select: { id: true } });
  }

  /**
   * A verified identity takes over an account whose address was never proven (pre-account
   * hijacking: someone registered the address first, with a password of their own). In one
   * transaction, and only if the address is still unverified: the password is cleared (password
   * login is impossible until a reset), every session, refresh token, API key, mailed link and
   * MFA secret of the account ends, the address counts as verified, and the identity is linked.
   * False when the account was verified meanwhile: then it is an ordinary link.
   */
  claim(userId: string, identity: ExternalIdentity & { name: string }): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const claimed = await tx.user.updateMany({
        where: { id: userId, emailVerifiedAt: null },
        data: { passwordHash: null, mfaEnabled: false, emailVerifiedAt: now, credentialsChangedAt: now, name: identity.name },
      });
      if (claimed.count !== 1) return false;
      await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
      await tx.mfaSecret.deleteMany({ where: { userId } });
      await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now, revokedReason: 'account-claimed' } });
      await tx.apiKey.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
      await tx.accountToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
      await tx.oAuthAccount.create({ data: { userId, issuer: identity.issuer, subject: identity.subject, email: identity.email }, select: { id: true } });
      return true;
    });
  }
}
