import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { requestMetaOf, type RequestMeta } from '../../common/http/request-meta.js';
import { AppConfig } from '../../config/app-config.js';
import type { Budget } from '../../config/rate-limit.config.js';
import { REDIS } from '../../redis/redis.provider.js';
import { AuditService } from '../audit/audit.service.js';
import { MetricsService, type AccessAnomalyKind } from '../metrics/metrics.service.js';
import { createLimiter, hashKey, isOverLimit, type Limiter } from '../rate-limit/limiters.js';
import { firstInWindow } from './first-in-window.js';
import { networkOf, principalOf } from './principal.js';


/**
 * Counts distinct things per subject within a window: each (subject, thing) pair counts once
 * (`seen`), each subject past `budget.limit` distinct things raises one alarm per window (`alarmed`).
 */
class DistinctCounter {
  private readonly seen: Limiter;
  private readonly distinct: Limiter;
  private readonly alarmed: Limiter;

  constructor(redis: Redis | null, prefix: string, budget: Budget) {
    const once = { limit: 1, windowSeconds: budget.windowSeconds };
    this.seen = createLimiter(redis, `${prefix}:seen`, once);
    this.distinct = createLimiter(redis, `${prefix}:distinct`, budget);
    this.alarmed = createLimiter(redis, `${prefix}:alarmed`, once);
  }

  /** True exactly once per window: when `subject` passes the limit of distinct `thing`s. */
  async passesLimit(subject: string, thing: string): Promise<boolean> {
    if (!(await firstInWindow(this.seen, `${subject}:${hashKey(thing)}`))) return false;
    try {
      await this.distinct.consume(subject);
      return false;
    } catch (rejection) {
      if (!isOverLimit(rejection)) throw rejection;
      return firstInWindow(this.alarmed, subject);
    }
  }
}

/** Route parameters that name a resource: `:id`, `:postId`, `:commentId`... */
const isIdParam = (name: string) => name === 'id' || name.endsWith('Id');

/** The resource ids a routed request addressed, or undefined (unknown route, or no id in it). */
function resourceOf(req: Request): string | undefined {
  if (!req.route) return undefined;
  const ids = Object.entries(req.params ?? {}).filter(([name]) => isIdParam(name));
  return ids.length > 0 ? ids.map(([, value]) => String(value)).join('/') : undefined;
}

/**
 * ACCESS_PATTERN_ANOMALY events (LOG-05), counted on the rate-limit store (Redis when configured,
 * so instances see one pattern):
 *  - BOLA probing: one principal (a user, with the API keys they hold, or a network) answered 403/404 on more than
 *    ANOMALY_DENIED_IDS_THRESHOLD distinct resource ids within 5 minutes. Successful reads (browsing
 *    published posts), the same id denied again and 404s on unknown routes do not count.
 *  - Credential stuffing aimed at one account: failed logins on one address (known or not) from
 *    more than ANOMALY_LOGIN_IPS_THRESHOLD distinct IPs (IPv6: /64 networks) within an hour.
 * One event per principal (or account) and kind per window. Nothing is refused here: the
 * request budgets and the login lock do that. Keys hold hashes only, never an email or an IP.
 */
@Injectable()
export class AccessPatternDetector {
  private readonly logger = new Logger('Detection');
  private readonly deniedIds: DistinctCounter;
  private readonly loginIps: DistinctCounter;
  private readonly thresholds: Record<AccessAnomalyKind, Budget>;

  constructor(
    config: AppConfig,
    @Inject(REDIS) redis: Redis | null,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {
    const { keyPrefix, anomalies } = config.rateLimit;
    this.deniedIds = new DistinctCounter(redis, `${keyPrefix}:anomaly-denied-ids`, anomalies.deniedIds);
    this.loginIps = new DistinctCounter(redis, `${keyPrefix}:anomaly-login-ips`, anomalies.loginIps);
    this.thresholds = { bola_probing: anomalies.deniedIds, credential_stuffing: anomalies.loginIps };
  }

  /** A 403 or 404 was answered: counts toward BOLA probing if it named a resource id. */
  async resourceDenied(req: Request): Promise<void> {
    const resource = resourceOf(req);
    if (!resource) return;
    const principal = principalOf(req);
    if (await this.guarded(() => this.deniedIds.passesLimit(hashKey(principal.key), resource))) {
      this.raise('bola_probing', requestMetaOf(req), principal.userId, {});
    }
  }

  /** A login failed (wrong password, unknown address, locked or disabled account). */
  async loginFailed(email: string, meta: RequestMeta, userId: string | null): Promise<void> {
    // Distinct networks, not addresses: anyone holds a whole IPv6 /64 to rotate through.
    if (await this.guarded(() => this.loginIps.passesLimit(hashKey(email), networkOf(meta.ip ?? 'unknown')))) {
      // The event names the account by its id when it exists; never the address, nor a hash of it
      // (an unsalted hash of an address is reversed by hashing a list of candidates).
      this.raise('credential_stuffing', meta, userId, {});
    }
  }

  private raise(kind: AccessAnomalyKind, meta: RequestMeta, userId: string | null, extra: Record<string, string>): void {
    const { limit, windowSeconds } = this.thresholds[kind];
    this.metrics.accessAnomaly(kind);
    this.audit.record('ACCESS_PATTERN_ANOMALY', { meta, userId, outcome: 'failure', metadata: { kind, threshold: limit, windowSeconds, ...extra } });
  }

  /** Detection never fails a request: a store outage means no detection meanwhile (the readiness probe shows the outage). */
  private async guarded(check: () => Promise<boolean>): Promise<boolean> {
    try {
      return await check();
    } catch {
      this.logger.debug('access pattern not counted: counter store unavailable');
      return false;
    }
  }
}
