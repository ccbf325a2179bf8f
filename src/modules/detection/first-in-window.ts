import { isOverLimit, type Limiter } from '../rate-limit/limiters.js';

/**
 * True for the first call with `key` in the limiter's window (a limiter of 1 point), false after:
 * "have we seen this id / sent this event already?" on the shared counter store, so instances
 * sharing Redis agree. A store failure rejects.
 */
export async function firstInWindow(limiter: Limiter, key: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (rejection) {
    if (isOverLimit(rejection)) return false;
    throw rejection;
  }
}
