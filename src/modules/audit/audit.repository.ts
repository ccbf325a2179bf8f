import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../database/prisma.service.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { AuditEventType } from './audit-event-type.js';

export type NewAuditEvent = {
  type: AuditEventType;
  outcome: 'success' | 'failure';
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  metadata?: Prisma.InputJsonObject;
};

/** Append-only: this repository can insert and read, never update or delete. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(event: NewAuditEvent): Promise<void> {
    await this.prisma.auditEvent.create({ data: event, select: { id: true } });
  }
}
