import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { MemoryCounterStorage, RedisCounterStorage, type CounterStorage } from './throttler-storage.js';

/** The same contract for both storages; Redis's too where REDIS_URL is set (CI sets it). */
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : null;
afterAll(async () => {
  await redis?.quit();
});
const storages: [string, () => CounterStorage][] = [['memory', () => new MemoryCounterStorage()]];
if (redis) storages.push(['Redis', () => new RedisCounterStorage(redis)]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(storages)('%s counter storage', (_name, create) => {
  const key = () => `test-storage:${randomUUID()}`;

  it('counts a fixed window: hits up to the limit pass, the next are refused until it ends', async () => {
    const storage = create();
    const k = key();
    for (let hit = 1; hit <= 3; hit++) expect(await storage.increment(k, 60_000, 3, 0, 't')).toEqual({ totalHits: hit, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect(await storage.increment(k, 60_000, 3, 0, 't')).toEqual({ totalHits: 4, timeToExpire: 60, isBlocked: true, timeToBlockExpire: 60 });
  });

  it('refills when the window ends', async () => {
    const storage = create();
    const k = key();
    await storage.increment(k, 300, 1, 0, 't');
    expect((await storage.increment(k, 300, 1, 0, 't')).isBlocked).toBe(true);
    await sleep(400);
    expect(await storage.increment(k, 300, 1, 0, 't')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('with a block duration, the hit past the limit blocks for that long and hits meanwhile are not counted', async () => {
    const storage = create();
    const k = key();
    await storage.increment(k, 200, 1, 0, 't');
    const blockedAt = Date.now();
    expect(await storage.increment(k, 200, 1, 1500, 't')).toMatchObject({ totalHits: 2, isBlocked: true, timeToBlockExpire: 2 });
    await sleep(500);
    // The window is over, the block is not.
    expect(await storage.increment(k, 200, 1, 1500, 't')).toMatchObject({ totalHits: 0, isBlocked: true });
    expect(await storage.peek(k)).toMatchObject({ isBlocked: true });
    await sleep(blockedAt + 1600 - Date.now());
    expect(await storage.peek(k)).toBeUndefined();
    expect(await storage.increment(k, 200, 1, 1500, 't')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('peek reads without counting; reset forgets the counter and its block', async () => {
    const storage = create();
    const k = key();
    expect(await storage.peek(k)).toBeUndefined();
    await storage.increment(k, 60_000, 5, 0, 't');
    await storage.increment(k, 60_000, 5, 0, 't');
    expect(await storage.peek(k)).toEqual({ totalHits: 2, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect(await storage.peek(k)).toMatchObject({ totalHits: 2 });
    await storage.increment(k, 60_000, 0, 60_000, 't');
    expect(await storage.peek(k)).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    await storage.reset(k);
    expect(await storage.peek(k)).toBeUndefined();
  });

  it('keeps keys apart', async () => {
    const storage = create();
    const [a, b] = [key(), key()];
    await storage.increment(a, 60_000, 1, 0, 't');
    expect((await storage.increment(a, 60_000, 1, 0, 't')).isBlocked).toBe(true);
    expect((await storage.increment(b, 60_000, 1, 0, 't')).isBlocked).toBe(false);
  });
});
