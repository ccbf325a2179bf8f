import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import type { Plan, Role } from '../generated/prisma/enums.js';

/** A live session as the revocation check needs it; `startedAt` is when its sign-in happened. */
export type LiveSession = { userId: string; role: Role; plan: Plan; expiresAt: Date; startedAt: Date };

/** The channel the `notify_auth_state` trigger (migration 20261123030000) announces changes on. */
export const AUTH_STATE_CHANNEL = 'auth_state';
const MAX_ENTRIES = 50_000;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;
/** How often the listener proves it still hears notices, and how long an echo may take. */
const HEARTBEAT_MS = 10_000;
const ECHO_TIMEOUT_MS = 3_000;
export const LISTENER_NAME = 'session-state-listener';
/** Payload prefix of the listener's own probes (never a session or user id). */
const PROBE_PREFIX = 'p:';

/**
 * The in-memory view itself, without I/O: entries, the generation counter and the rule that a
 * read which raced a notice is not stored. Answers nothing while not `live`.
 */
export class LiveSessions {
  private readonly sessions = new Map<string, LiveSession>();
  private generation = 0;
  private live = false;

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  get isLive(): boolean {
    return this.live;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The generation to hand back to `remember` after reading the database. */
  snapshot(): number {
    return this.generation;
  }

  get(sessionId: string, now = Date.now()): LiveSession | undefined {
    if (!this.live) return undefined;
    const entry = this.sessions.get(sessionId);
    if (entry && entry.expiresAt.getTime() <= now) {
      this.sessions.delete(sessionId);
      return undefined;
    }
    return entry;
  }

  /** Stores a live session read from the database, unless anything changed since `generation`. */
  remember(sessionId: string, session: LiveSession, generation: number): void {
    if (!this.live || generation !== this.generation) return;
    if (this.sessions.size >= this.maxEntries) {
      // Maps iterate in insertion order: the oldest entry goes first.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(sessionId, session);
  }

  /** Applies one notice: `s:<session id>` or `u:<user id>`. Anything else clears everything. */
  applyNotice(payload: string): void {
    this.generation++;
    const id = payload.slice(2);
    if (payload.startsWith('s:')) {
      this.sessions.delete(id);
    } else if (payload.startsWith('u:')) {
      for (const [sessionId, s] of this.sessions) if (s.userId === id) this.sessions.delete(sessionId);
    } else {
      this.sessions.clear();
    }
  }

  /** Starts answering from an empty view (the listener has just connected). */
  goLive(): void {
    this.reset();
    this.live = true;
  }

  /** Stops answering and forgets everything (the listener is gone: notices may be lost). */
  goDark(): void {
    this.reset();
    this.live = false;
  }

  private reset(): void {
    this.generation++;
    this.sessions.clear();
  }
}

/**
 * The revocation check without a database round trip: live sessions remembered in memory, each
 * dropped the moment PostgreSQL announces a change to it or to its user (LISTEN auth_state; the
 * trigger fires at commit, on every write path, for every instance listening at once).
 *
 * It only answers while its listening connection is up. When that connection drops, notices may
 * be lost, so the whole view is discarded and every request reads the database until the
 * listener is back (and starts from an empty view, as notices may have been missed meanwhile).
 * A read that races a notice cannot store a stale answer: `remember` takes the generation seen
 * before the read, and every notice or reconnect moves the generation on.
 */
@Injectable()
export class SessionStateCache implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('SessionStateCache');
  private readonly view = new LiveSessions();
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly echoes = new Map<string, () => void>();

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    this.view.goDark();
    await this.client?.end().catch(() => undefined);
  }

  /** Whether cached answers are being served (the listener is connected). */
  get isLive(): boolean {
    return this.view.isLive;
  }

  snapshot(): number {
    return this.view.snapshot();
  }

  get(sessionId: string): LiveSession | undefined {
    return this.view.get(sessionId);
  }

  remember(sessionId: string, session: LiveSession, generation: number): void {
    this.view.remember(sessionId, session, generation);
  }

  /**
   * Read-your-own-writes: resolves once every auth-state change committed before the call has
   * reached this instance's view. PostgreSQL delivers notices in commit order, so when a probe
   * sent now comes back, every earlier notice has been applied. Called after the app's own
   * revocations and role or plan changes, so the very next request on this instance already sees
   * them (other instances catch up within milliseconds). While not live there is nothing to wait
   * for: every check reads the database. If the probe fails, the view goes dark, which is just as
   * safe.
   */
  async settle(): Promise<void> {
    const client = this.client;
    if (!client || !this.view.isLive) return;
    try {
      await this.echo(client);
    } catch (err) {
      this.lost(client, err);
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.config.database.url,
      connectionTimeoutMillis: 5_000,
      // Named in pg_stat_activity, so operators (and tests) can tell it from the pool.
      application_name: LISTENER_NAME,
    });
    client.on('notification', (n) => {
      if (n.channel !== AUTH_STATE_CHANNEL) return;
      const payload = n.payload ?? '';
      if (payload.startsWith(PROBE_PREFIX)) this.echoes.get(payload)?.();
      else this.view.applyNotice(payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${AUTH_STATE_CHANNEL}`);
      // Serve from memory only once a notice has been seen to arrive: a connection that accepts
      // LISTEN but never delivers (a transaction-pooling proxy, a half-open socket) must never
      // leave a revoked session cached. The heartbeat keeps proving it.
      await this.echo(client);
      clearInterval(this.heartbeat);
      this.heartbeat = setInterval(() => void this.echo(client).catch((err: unknown) => this.lost(client, err)), HEARTBEAT_MS);
      this.heartbeat.unref();
      this.view.goLive();
      this.reconnectDelay = RECONNECT_MIN_MS;
      this.log.log('listening for session changes: revocation checks served from memory');
    } catch (err) {
      this.lost(client, err);
    }
  }

  /** Sends a probe notice and waits for it to come back on this listener. */
  private async echo(client: pg.Client): Promise<void> {
    const payload = `${PROBE_PREFIX}${randomUUID()}`;
    let timer: NodeJS.Timeout | undefined;
    const heard = new Promise<void>((resolve, reject) => {
      this.echoes.set(payload, resolve);
      timer = setTimeout(() => reject(new Error('no notice came back: LISTEN is not delivering')), ECHO_TIMEOUT_MS);
    });
    heard.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    try {
      await client.query('SELECT pg_notify($1, $2)', [AUTH_STATE_CHANNEL, payload]);
      await heard;
    } finally {
      clearTimeout(timer);
      this.echoes.delete(payload);
    }
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (client !== this.client) return;
    clearInterval(this.heartbeat);
    const wasLive = this.view.isLive;
    this.view.goDark();
    this.client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (wasLive) {
      this.log.warn({ err: err instanceof Error ? err.message : undefined }, 'session listener lost: revocation checks read the database until it is back');
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }
}
