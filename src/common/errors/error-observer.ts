import type { Request } from 'express';

/**
 * Hook for whoever wants to know about answered errors (the audit module records 403s as
 * ACCESS_DENIED). Declared here so the error filter depends on no feature module.
 */
export abstract class ErrorObserver {
  abstract onErrorAnswered(status: number, req: Request, message: string): void;
}
