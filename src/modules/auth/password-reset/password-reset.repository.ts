import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service.js';

@Injectable()
export class PasswordResetRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A new token cancels every older unused one of that user (only the latest link works). */
  async replace(userId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: new Date() } }),
      this.prisma.passwordResetToken.create({ data: { userId, tokenHash, expiresAt }, select: { id: true } }),
    ]);
  }

  /** The user of an unused, unexpired token, without spending it. */
  async findValid(tokenHash: string): Promise<string | null> {
    const token = await this.prisma.passwordResetToken.findFirst({
      where: { tokenHash, usedAt: null, expiresAt: { gt: new Date() } },
      select: { userId: true },
    });
    return token?.userId ?? null;
  }

  /**
   * Spends a token: marks it used only if it is unused and unexpired (compare-and-swap, so two
   * concurrent resets with one token cannot both succeed). Returns its user, or null.
   */
  consume(tokenHash: string): Promise<string | null> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const spent = await tx.passwordResetToken.updateMany({
        where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (spent.count !== 1) return null;
      const token = await tx.passwordResetToken.findUnique({ where: { tokenHash }, select: { userId: true } });
      return token?.userId ?? null;
    });
  }
}
