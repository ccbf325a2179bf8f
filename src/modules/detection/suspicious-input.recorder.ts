import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { requestMetaOf } from '../../common/http/request-meta.js';
import type { SuspiciousInput } from '../../common/http/suspicious-input.js';
import { AppConfig } from '../../config/app-config.js';
import { REDIS } from '../../redis/redis.provider.js';
import { AuditService } from '../audit/audit.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { createLimiter, hashKey, type Limiter } from '../rate-limit/limiters.js';
import { firstInWindow, pointLeft } from './first-in-window.js';
import { principalOf } from './principal.js';

/**
 * SUSPICIOUS_INPUT events (LOG-04): a refusal marked at its source (json-body.ts, transport.ts,
 * the validation pipe, the JWT strategy) becomes one log line and one audit row holding the
 * reason and the field path, never the value. Every such request counts in
 * `suspicious_requests_total{reason}`; events are bounded to one per principal (user, or network:
 * an IPv6 /64), reason and minute, and to MAX_EVENTS_PER_REASON_PER_MINUTE per reason in all, so
 * a flood of bad requests from many addresses cannot flood the audit table, the log or the
 * database pool either. Past the overall bound every request still counts in the metric, and
 * `suspicious_events_suppressed_total{reason}` (alert SuspiciousInputSuppressed) says events were dropped.
 */
export const MAX_EVENTS_PER_REASON_PER_MINUTE = 60;

@Injectable()
export class SuspiciousInputRecorder {
  private readonly logger = new Logger('Detection');
  private readonly recorded: Limiter;
  private readonly overall: Limiter;

  constructor(
    config: AppConfig,
    @Inject(REDIS) redis: Redis | null,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {
    this.recorded = createLimiter(redis, `${config.rateLimit.keyPrefix}:suspicious-input`, { limit: 1, windowSeconds: 60 });
    this.overall = createLimiter(redis, `${config.rateLimit.keyPrefix}:suspicious-input-all`, {
      limit: MAX_EVENTS_PER_REASON_PER_MINUTE,
      windowSeconds: 60,
    });
  }

  async record(req: Request, found: SuspiciousInput): Promise<void> {
    this.metrics.suspiciousRequest(found.reason);
    const principal = principalOf(req);
    try {
      if (!(await firstInWindow(this.recorded, hashKey(`${principal.key}|${found.reason}`)))) return;
      if (!(await pointLeft(this.overall, found.reason))) {
        // Past the overall bound: nothing is written, but it shows (someone may be drowning a real
        // probe in decoys from many addresses), in a metric with an alert of its own.
        this.metrics.suspiciousEventSuppressed(found.reason);
        return;
      }
    } catch {
      // Store down: no event rather than an unbounded stream of them (the metric still counts).
      this.logger.debug('suspicious input not recorded: counter store unavailable');
      return;
    }
    this.audit.record('SUSPICIOUS_INPUT', {
      meta: requestMetaOf(req),
      userId: principal.userId,
      outcome: 'failure',
      metadata: { reason: found.reason, field: found.field, method: req.method },
    });
  }
}

