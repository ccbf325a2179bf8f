import { HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorObserver } from '../../common/errors/error-observer.js';
import { requestMetaOf } from '../../common/http/request-meta.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { AuditService } from './audit.service.js';

/**
 * Every 403 the API answers is an ACCESS_DENIED security event, wherever it was decided; every
 * 401 counts as an auth failure (by its message, a small fixed set) in the metrics. Called by
 * the app's ErrorObserver (src/modules/detection/detection.observer.ts).
 */
@Injectable()
export class AccessDeniedObserver extends ErrorObserver {
  constructor(
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  onErrorAnswered(status: number, req: Request, message: string): void {
    if (status === HttpStatus.UNAUTHORIZED) this.metrics.authFailure(message);
    if (status !== HttpStatus.FORBIDDEN) return;
    const user = (req as Request & { user?: AuthUser }).user;
    this.audit.record('ACCESS_DENIED', {
      meta: requestMetaOf(req),
      userId: user?.id ?? null,
      outcome: 'failure',
      metadata: { method: req.method, path: req.originalUrl.split('?')[0] ?? '' },
    });
  }
}
