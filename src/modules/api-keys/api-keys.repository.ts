import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import type { Prisma } from '../../generated/prisma/client.js';

/** Never the hash: lists and responses are built from this. */
const API_KEY_PUBLIC_SELECT = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
} as const satisfies Prisma.ApiKeySelect;

export type ApiKeyRow = Prisma.ApiKeyGetPayload<{ select: typeof API_KEY_PUBLIC_SELECT }>;

const AUTH_SELECT = {
  id: true,
  keyHash: true,
  scopes: true,
  expiresAt: true,
  revokedAt: true,
  user: { select: { id: true, role: true, plan: true, disabledAt: true } },
} as const satisfies Prisma.ApiKeySelect;

export type ApiKeyAuthRow = Prisma.ApiKeyGetPayload<{ select: typeof AUTH_SELECT }>;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { userId: string; name: string; prefix: string; keyHash: string; scopes: string[]; expiresAt: Date }): Promise<ApiKeyRow> {
    return this.prisma.apiKey.create({ data, select: API_KEY_PUBLIC_SELECT });
  }

  countActive(userId: string): Promise<number> {
    return this.prisma.apiKey.count({ where: { userId, revokedAt: null, expiresAt: { gt: new Date() } } });
  }

  listForUser(userId: string): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({ where: { userId }, select: API_KEY_PUBLIC_SELECT, orderBy: { createdAt: 'desc' } });
  }

  findForAuthentication(prefix: string): Promise<ApiKeyAuthRow | null> {
    return this.prisma.apiKey.findUnique({ where: { prefix }, select: AUTH_SELECT });
  }

  /** Revokes the caller's own key only: another user's key id is simply not found. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const done = await this.prisma.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    return done.count === 1;
  }

  /** Revokes every active key of the user (reset, sign out everywhere, account claimed). */
  async revokeAll(userId: string): Promise<number> {
    const done = await this.prisma.apiKey.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
    return done.count;
  }

  async markUsed(ids: string[], at: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({ where: { id: { in: ids } }, data: { lastUsedAt: at } });
  }
}
