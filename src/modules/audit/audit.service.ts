import { Injectable, Logger } from '@nestjs/common';
import type { RequestMeta } from '../../common/http/request-meta.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { AuditEventType } from './audit-event-type.js';
import { Paginated } from '../../common/pagination/paginated.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditRepository } from './audit.repository.js';
import type { AuditEventDto, ListAuditEventsQueryDto } from './dto/audit-event.dto.js';

export type AuditContext = {
  meta: RequestMeta;
  userId?: string | null;
  outcome?: 'success' | 'failure';
  metadata?: Prisma.InputJsonObject;
};

/**
 * Records security events: one structured log line and one row in audit_events. Recording never
 * fails or delays the request it describes: the insert runs in the background and its failure is
 * logged, not thrown.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Security');

  constructor(
    private readonly repository: AuditRepository,
    private readonly metrics: MetricsService,
  ) {}

  record(type: AuditEventType, ctx: AuditContext): void {
    const event = {
      type,
      outcome: ctx.outcome ?? 'success',
      userId: ctx.userId ?? null,
      ip: ctx.meta.ip,
      userAgent: ctx.meta.userAgent,
      requestId: ctx.meta.requestId,
      metadata: ctx.metadata,
    } as const;
    this.logger.log({ securityEvent: event }, `security event ${type}`);
    this.metrics.securityEvent(type, event.outcome);
    this.repository.insert(event).catch((err: unknown) => {
      this.logger.error({ err, securityEvent: event }, 'could not store security event');
    });
  }

  async list(q: ListAuditEventsQueryDto): Promise<Paginated<AuditEventDto>> {
    const [rows, total] = await this.repository.list({ type: q.type, userId: q.userId, from: q.from, to: q.to }, q.skip, q.limit);
    return new Paginated(
      rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
      total,
    );
  }
}
