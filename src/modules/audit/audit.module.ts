import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { AccessDeniedObserver } from './access-denied.observer.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  imports: [MetricsModule],
  controllers: [AuditEventsController],
  providers: [AuditRepository, AuditService, AccessDeniedObserver],
  // The app's ErrorObserver (detection module) calls AccessDeniedObserver first.
  exports: [AuditService, AccessDeniedObserver],
})
export class AuditModule {}
