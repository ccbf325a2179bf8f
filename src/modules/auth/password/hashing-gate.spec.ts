import { describe, expect, it } from '@jest/globals';
import { HashingGate } from './hashing-gate.js';
import { HashingBusyError } from '../auth.errors.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HashingGate', () => {
  it('never runs more than maxConcurrent at once, and runs every queued job in order', async () => {
    const gate = new HashingGate(2, 10);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      gate.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        order.push(i);
        active--;
        return i;
      }),
    );
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(order.slice(2)).toEqual([2, 3, 4, 5]);
    expect(gate.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses quickly with a 503 once the waiting line is full', async () => {
    const gate = new HashingGate(1, 1);
    const hold = deferred();
    const first = gate.run(() => hold.promise);
    const second = gate.run(async () => 'second');
    await expect(gate.run(async () => 'third')).rejects.toBeInstanceOf(HashingBusyError);
    hold.resolve();
    await first;
    expect(await second).toBe('second');
  });

  it('frees the slot when the work fails', async () => {
    const gate = new HashingGate(1, 0);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});
