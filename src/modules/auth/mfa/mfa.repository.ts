import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service.js';
import type { Sealed } from './secret-cipher.js';

export type StoredSecret = Sealed & { lastUsedStep: number | null; enabled: boolean };

@Injectable()
export class MfaRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(userId: string): Promise<StoredSecret | null> {
    const row = await this.prisma.mfaSecret.findUnique({
      where: { userId },
      select: { ciphertext: true, keyId: true, lastUsedStep: true, enabledAt: true },
    });
    return row && { ciphertext: row.ciphertext, keyId: row.keyId, lastUsedStep: row.lastUsedStep, enabled: row.enabledAt !== null };
  }

  /** A new, not yet enabled secret (setup may be repeated until a code confirms it). */
  async savePending(userId: string, sealed: Sealed): Promise<void> {
    const data = { ...sealed, lastUsedStep: null, enabledAt: null };
    await this.prisma.mfaSecret.upsert({ where: { userId }, create: { userId, ...data }, update: data, select: { userId: true } });
  }

  /** Turns MFA on with the step that confirmed it and a fresh set of recovery code hashes. */
  enable(userId: string, step: number, recoveryCodeHashes: string[]): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const now = new Date();
      const done = await tx.mfaSecret.updateMany({ where: { userId, enabledAt: null }, data: { enabledAt: now, lastUsedStep: step } });
      if (done.count !== 1) return false;
      await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
      await tx.mfaRecoveryCode.createMany({ data: recoveryCodeHashes.map((codeHash) => ({ userId, codeHash })) });
      await tx.user.update({ where: { id: userId }, data: { mfaEnabled: true }, select: { id: true } });
      return true;
    });
  }

  /** Records `step` as used only if it is later than the last one (two racing uses: one wins). */
  async acceptStep(userId: string, step: number): Promise<boolean> {
    const done = await this.prisma.mfaSecret.updateMany({
      where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
      data: { lastUsedStep: step },
    });
    return done.count === 1;
  }

  async useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    const done = await this.prisma.mfaRecoveryCode.updateMany({ where: { userId, codeHash, usedAt: null }, data: { usedAt: new Date() } });
    return done.count === 1;
  }

  async disable(userId: string): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.mfaRecoveryCode.deleteMany({ where: { userId } }),
      this.prisma.mfaSecret.deleteMany({ where: { userId } }),
      this.prisma.user.update({ where: { id: userId }, data: { mfaEnabled: false }, select: { id: true } }),
    ]);
  }
}
