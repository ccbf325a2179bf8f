import { Global, Module } from '@nestjs/common';
import { ErrorObserver } from '../../common/errors/error-observer.js';
import { AccessDeniedObserver } from './access-denied.observer.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  providers: [AuditRepository, AuditService, { provide: ErrorObserver, useClass: AccessDeniedObserver }],
  exports: [AuditService, ErrorObserver],
})
export class AuditModule {}
