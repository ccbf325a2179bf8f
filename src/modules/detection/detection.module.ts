import { Module } from '@nestjs/common';
import { ErrorObserver } from '../../common/errors/error-observer.js';
import { RedisModule } from '../../redis/redis.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { AccessPatternDetector } from './access-pattern.detector.js';
import { DetectionObserver } from './detection.observer.js';
import { SuspiciousInputRecorder } from './suspicious-input.recorder.js';

/**
 * Attack detection on top of the audit trail: suspicious input (LOG-04) and access-pattern
 * anomalies (LOG-05), counted on the rate-limit store. Provides the app's ErrorObserver.
 */
@Module({
  imports: [AuditModule, MetricsModule, RedisModule],
  providers: [SuspiciousInputRecorder, AccessPatternDetector, { provide: ErrorObserver, useClass: DetectionObserver }],
  exports: [ErrorObserver, AccessPatternDetector],
})
export class DetectionModule {}
