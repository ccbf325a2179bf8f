import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SUSPICIOUS_INPUT_REASONS, type SuspiciousInputReason } from '../../common/http/suspicious-input.js';
import { PrismaService } from '../../database/prisma.service.js';

/** The kinds of ACCESS_PATTERN_ANOMALY, the label values of `access_anomalies_total`. */
export const ACCESS_ANOMALY_KINDS = ['bola_probing', 'credential_stuffing'] as const;
export type AccessAnomalyKind = (typeof ACCESS_ANOMALY_KINDS)[number];

/**
 * Prometheus metrics (prom-client): requests and latency by route template and status, auth
 * failures by reason, rate-limited requests, refresh-token reuse, suspicious requests by reason,
 * access-pattern anomalies by kind, every security event by type,
 * the database pool, and Node's defaults (event-loop lag, heap, GC...). ops/prometheus/alerts.yml
 * alerts on them.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly authFailures = new Counter({
    name: 'auth_failures_total',
    help: 'Refused authentications (401), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly rateLimited = new Counter({
    name: 'rate_limited_requests_total',
    help: 'Requests answered 429',
    registers: [this.registry],
  });

  private readonly refreshReuse = new Counter({
    name: 'refresh_token_reuse_total',
    help: 'Rotated-out refresh tokens presented again (the family was revoked)',
    registers: [this.registry],
  });

  private readonly securityEvents = new Counter({
    name: 'security_events_total',
    help: 'Security events recorded in the audit trail, by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly suspiciousRequests = new Counter({
    name: 'suspicious_requests_total',
    help: 'Requests refused for input no honest client sends, by reason (every one, not only those recorded as events)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly suspiciousSuppressed = new Counter({
    name: 'suspicious_events_suppressed_total',
    help: 'SUSPICIOUS_INPUT events not written because the overall bound per reason and minute was spent, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly accessAnomalies = new Counter({
    name: 'access_anomalies_total',
    help: 'ACCESS_PATTERN_ANOMALY events (BOLA probing, credential stuffing on one account), by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(prisma: PrismaService) {
    collectDefaultMetrics({ register: this.registry });
    // Every label value exists from the start at 0, so the first event after a start is an
    // increase the alert rules see (a series born at 1 has no earlier sample to increase from).
    for (const reason of SUSPICIOUS_INPUT_REASONS) {
      this.suspiciousRequests.inc({ reason }, 0);
      this.suspiciousSuppressed.inc({ reason }, 0);
    }
    for (const kind of ACCESS_ANOMALY_KINDS) this.accessAnomalies.inc({ kind }, 0);
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections, by state (total, idle, waiting clients)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const stats = prisma.poolStats();
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  authFailure(reason: string): void {
    this.authFailures.inc({ reason });
  }

  /** `reason` is one of SUSPICIOUS_INPUT_REASONS, never request text. */
  suspiciousRequest(reason: SuspiciousInputReason): void {
    this.suspiciousRequests.inc({ reason });
  }

  suspiciousEventSuppressed(reason: SuspiciousInputReason): void {
    this.suspiciousSuppressed.inc({ reason });
  }

  accessAnomaly(kind: AccessAnomalyKind): void {
    this.accessAnomalies.inc({ kind });
  }

  securityEvent(type: string, outcome: string): void {
    this.securityEvents.inc({ type, outcome });
    if (type === 'RATE_LIMITED') this.rateLimited.inc();
    if (type === 'REFRESH_TOKEN_REUSE') this.refreshReuse.inc();
  }
}
