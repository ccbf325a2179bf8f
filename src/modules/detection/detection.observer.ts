import { HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ErrorObserver } from '../../common/errors/error-observer.js';
import { suspicionOf } from '../../common/http/suspicious-input.js';
import { AccessDeniedObserver } from '../audit/access-denied.observer.js';
import { AccessPatternDetector } from './access-pattern.detector.js';
import { SuspiciousInputRecorder } from './suspicious-input.recorder.js';

/**
 * The app's ErrorObserver: every error answer goes to ACCESS_DENIED / auth-failure accounting,
 * then, if its refusal was marked (on the error, or on the request by the JWT strategy), to
 * SUSPICIOUS_INPUT, and a 403/404 to the BOLA-probing counter. Recording runs in the background:
 * the answer is already sent.
 */
@Injectable()
export class DetectionObserver extends ErrorObserver {
  constructor(
    private readonly accessDenied: AccessDeniedObserver,
    private readonly suspiciousInput: SuspiciousInputRecorder,
    private readonly accessPatterns: AccessPatternDetector,
  ) {
    super();
  }

  onErrorAnswered(status: number, req: Request, message: string, error: unknown): void {
    this.accessDenied.onErrorAnswered(status, req, message);
    const suspicion = suspicionOf(error, req);
    if (suspicion) void this.suspiciousInput.record(req, suspicion);
    if (status === HttpStatus.FORBIDDEN || status === HttpStatus.NOT_FOUND) void this.accessPatterns.resourceDenied(req);
  }
}
