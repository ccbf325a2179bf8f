import { Module } from '@nestjs/common';
import { ErrorObserver } from '../../common/errors/error-observer.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { AccessDeniedObserver } from './access-denied.observer.js';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  imports: [MetricsModule],
  controllers: [AuditEventsController],
  providers: [AuditRepository, AuditService, { provide: ErrorObserver, useClass: AccessDeniedObserver }],
  exports: [AuditService, ErrorObserver],
})
export class AuditModule {}
