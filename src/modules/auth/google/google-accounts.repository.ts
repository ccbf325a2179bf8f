import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service.js';

/** External identities, keyed by (issuer, subject): an email can change hands, a subject cannot. */
@Injectable()
export class GoogleAccountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findUserId(issuer: string, subject: string): Promise<string | null> {
    const account = await this.prisma.oAuthAccount.findUnique({ where: { issuer_subject: { issuer, subject } }, select: { userId: true } });
    return account?.userId ?? null;
  }

  async link(userId: string, identity: { issuer: string; subject: string; email: string }): Promise<void> {
    await this.prisma.oAuthAccount.create({ data: { userId, ...identity }, select: { id: true } });
  }
}
