import type { Request } from 'express';

/**
 * Hook for whoever wants to know about answered errors (403s become ACCESS_DENIED, marked
 * refusals SUSPICIOUS_INPUT, repeated 403/404s on many ids ACCESS_PATTERN_ANOMALY). Declared
 * here so the error filter depends on no feature module. `error` is what was thrown, as thrown.
 */
export abstract class ErrorObserver {
  abstract onErrorAnswered(status: number, req: Request, message: string, error: unknown): void;
}
