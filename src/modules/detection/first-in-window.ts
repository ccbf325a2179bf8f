import { isOverLimit, type Limiter } from '../rate-limit/limiters.js';

/**
 * Spends a point of `key` on the shared counter store (so instances sharing Redis agree): true
 * while the limiter's window had one left, false once spent. A store failure rejects.
 */
export async function pointLeft(limiter: Limiter, key: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (rejection) {
    if (isOverLimit(rejection)) return false;
    throw rejection;
  }
}

/**
 * True for the first call with `key` in the window of a limiter of 1 point, false after: "have we
 * seen this id / sent this event already?"
 */
export const firstInWindow = pointLeft;
