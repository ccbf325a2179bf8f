import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';

/** @nestjs/throttler's answer for one counter: hits so far, and seconds until it refills. */
export type CounterRecord = { totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number };

/**
 * The one storage behind every counter of the project: the request budgets (@nestjs/throttler's
 * guard), login failures and the account lock, MFA failures, reset mails, spent challenges.
 *
 * `increment(key, ttl, limit, blockDuration)` (milliseconds in, seconds out, as the throttler
 * interface has it) counts a fixed window that starts with the first hit and lasts `ttl`. A hit
 * beyond `limit` is refused (`isBlocked`): with `blockDuration` 0 until the window ends; with a
 * `blockDuration`, for that long from the hit that went over, and hits made meanwhile are not
 * counted. `peek` reads a counter without counting, `reset` forgets it.
 */
export interface CounterStorage extends ThrottlerStorage {
  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<CounterRecord>;
  peek(key: string): Promise<CounterRecord | undefined>;
  reset(key: string): Promise<void>;
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
const blockKey = (key: string) => `${key}:block`;

/** The answer of a counter whose window and block have `windowMs` and `blockMs` left. */
function toRecord(hits: number, windowMs: number, blocked: boolean, blockMs: number): CounterRecord {
  return { totalHits: hits, timeToExpire: seconds(windowMs), isBlocked: blocked, timeToBlockExpire: blocked ? seconds(blockMs) : 0 };
}

/**
 * One round trip per check: the whole of `increment` runs in Redis as one script, so instances
 * sharing the server never race between reading a counter and setting its expiry.
 * KEYS: the counter, its block marker. ARGV: window ms, limit, block ms.
 * Returns { hits, window ms left, blocked (0/1), block ms left }.
 */
const INCREMENT = `
local blockMs = redis.call('PTTL', KEYS[2])
if blockMs > 0 then
  return { tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockMs }
end
local hits = redis.call('INCR', KEYS[1])
local windowMs = redis.call('PTTL', KEYS[1])
if windowMs < 0 then
  windowMs = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], windowMs)
end
if hits <= tonumber(ARGV[2]) then return { hits, windowMs, 0, 0 } end
local block = tonumber(ARGV[3])
if block > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', block)
  return { hits, windowMs, 1, block }
end
return { hits, windowMs, 1, windowMs }
`;

/** KEYS: the counter, its block marker. Returns { hits, window ms left, block ms left }. */
const PEEK = `
return { tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2]) }
`;

type CounterCommands = {
  counterIncrement(counter: string, block: string, ttl: number, limit: number, blockDuration: number): Promise<[number, number, number, number]>;
  counterPeek(counter: string, block: string): Promise<[number, number, number]>;
};

/** Counters in Redis (REDIS_URL), shared by every instance. Fails when Redis does: callers decide. */
export class RedisCounterStorage implements CounterStorage {
  private readonly redis: Redis & CounterCommands;

  constructor(redis: Redis) {
    // ioredis sends a defined command by EVALSHA and loads the script on the first miss.
    redis.defineCommand('counterIncrement', { numberOfKeys: 2, lua: INCREMENT });
    redis.defineCommand('counterPeek', { numberOfKeys: 2, lua: PEEK });
    this.redis = redis as Redis & CounterCommands;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<CounterRecord> {
    const [hits, windowMs, blocked, blockMs] = await this.redis.counterIncrement(key, blockKey(key), Math.max(1, Math.ceil(ttl)), limit, Math.max(0, Math.ceil(blockDuration)));
    return toRecord(hits, windowMs, blocked === 1, blockMs);
  }

  async peek(key: string): Promise<CounterRecord | undefined> {
    const [hits, windowMs, blockMs] = await this.redis.counterPeek(key, blockKey(key));
    if (blockMs > 0) return toRecord(hits, windowMs, true, blockMs);
    return hits > 0 && windowMs > 0 ? toRecord(hits, windowMs, false, 0) : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(key, blockKey(key));
  }
}

type Counter = { hits: number; windowEndsAt: number; blockedUntil: number };

/**
 * The same counters in this process's memory: one instance without Redis, and the fallback of
 * signed-in routes while Redis is away. Expired counters are swept at most once a minute.
 */
export class MemoryCounterStorage implements CounterStorage {
  private readonly counters = new Map<string, Counter>();
  private nextSweep = 0;

  async increment(key: string, ttl: number, limit: number, blockDuration: number): Promise<CounterRecord> {
    const now = Date.now();
    this.sweep(now);
    let counter = this.live(key, now);
    if (counter && counter.blockedUntil > now) return this.blocked(counter, now);
    counter ??= { hits: 0, windowEndsAt: now + ttl, blockedUntil: 0 };
    counter.hits += 1;
    this.counters.set(key, counter);
    const windowMs = counter.windowEndsAt - now;
    if (counter.hits <= limit) return toRecord(counter.hits, windowMs, false, 0);
    if (blockDuration > 0) {
      counter.blockedUntil = now + blockDuration;
      return toRecord(counter.hits, windowMs, true, blockDuration);
    }
    return toRecord(counter.hits, windowMs, true, windowMs);
  }

  async peek(key: string): Promise<CounterRecord | undefined> {
    const now = Date.now();
    const counter = this.live(key, now);
    if (!counter) return undefined;
    if (counter.blockedUntil > now) return this.blocked(counter, now);
    return counter.windowEndsAt > now ? toRecord(counter.hits, counter.windowEndsAt - now, false, 0) : undefined;
  }

  /** A block can outlast its window: the hits of a window that has ended are gone, as in Redis. */
  private blocked(counter: Counter, now: number): CounterRecord {
    return toRecord(counter.windowEndsAt > now ? counter.hits : 0, counter.windowEndsAt - now, true, counter.blockedUntil - now);
  }

  async reset(key: string): Promise<void> {
    this.counters.delete(key);
  }

  /** The counter while its window or its block lasts. */
  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.windowEndsAt <= now && counter.blockedUntil <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + 60_000;
    for (const key of [...this.counters.keys()]) this.live(key, now);
  }
}

const shared = new WeakMap<Redis, RedisCounterStorage>();

/** The storage for this app's Redis connection (one per connection), or a new in-memory one. */
export function counterStorage(redis: Redis | null): CounterStorage {
  if (!redis) return new MemoryCounterStorage();
  let storage = shared.get(redis);
  if (!storage) {
    storage = new RedisCounterStorage(redis);
    shared.set(redis, storage);
  }
  return storage;
}
