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

export type AuditFilter = { type?: string; userId?: string; from?: Date; to?: Date };

const AUDIT_EVENT_SELECT = {
  id: true,
  type: true,
  outcome: true,
  userId: true,
  ip: true,
  userAgent: true,
  requestId: true,
  metadata: true,
  createdAt: true,
} as const satisfies Prisma.AuditEventSelect;

export type AuditEventRow = Prisma.AuditEventGetPayload<{ select: typeof AUDIT_EVENT_SELECT }>;

/**
 * Append-only: this repository can insert and read, never update or delete. (In production,
 * enforce it in the database too: see docs/OPERATIONS.md, "Audit trail".)
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(event: NewAuditEvent): Promise<void> {
    await this.prisma.auditEvent.create({ data: event, select: { id: true } });
  }

  list(filter: AuditFilter, skip: number, take: number): Promise<[AuditEventRow[], number]> {
    const where: Prisma.AuditEventWhereInput = {
      type: filter.type,
      userId: filter.userId,
      createdAt: { gte: filter.from, lt: filter.to },
    };
    return this.prisma.$transaction([
      this.prisma.auditEvent.findMany({ where, select: AUDIT_EVENT_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], skip, take }),
      this.prisma.auditEvent.count({ where }),
    ]);
  }
}
