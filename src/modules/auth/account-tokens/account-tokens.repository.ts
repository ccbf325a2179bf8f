import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service.js';
import type { AccountTokenPurpose } from '../../../generated/prisma/enums.js';

/**
 * The mailed one-time tokens (password reset, email verification), stored only as SHA-256
 * hashes. Each purpose is its own namespace: a verification token never resets a password.
 */
@Injectable()
export class AccountTokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A new token cancels every older unused one of that user and purpose (only the latest link works). */
  async replace(userId: string, purpose: AccountTokenPurpose, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.accountToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: new Date() } }),
      this.prisma.accountToken.create({ data: { userId, purpose, tokenHash, expiresAt }, select: { id: true } }),
    ]);
  }

  /** The user of an unused, unexpired token, without spending it. */
  async findValid(purpose: AccountTokenPurpose, tokenHash: string): Promise<string | null> {
    const token = await this.prisma.accountToken.findFirst({
      where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: new Date() } },
      select: { userId: true },
    });
    return token?.userId ?? null;
  }

  /**
   * Spends a token: marks it used only if it is unused and unexpired (compare-and-swap, so two
   * concurrent uses of one token cannot both succeed). Returns its user, or null.
   */
  async consume(purpose: AccountTokenPurpose, tokenHash: string): Promise<string | null> {
    const now = new Date();
    const spent = await this.prisma.accountToken.updateManyAndReturn({
      where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
      select: { userId: true },
    });
    return spent.length === 1 ? spent[0]!.userId : null;
  }

  /** Cancels every outstanding token of the user (all purposes unless one is named). */
  async cancelAll(userId: string, purpose?: AccountTokenPurpose): Promise<void> {
    await this.prisma.accountToken.updateMany({ where: { userId, usedAt: null, ...(purpose && { purpose }) }, data: { usedAt: new Date() } });
  }
}
