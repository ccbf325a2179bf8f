import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import type { DatabaseSettings } from '../config/database.config.js';
import { PrismaClient } from '../generated/prisma/client.js';

/**
 * The connection pool behind Prisma. node-postgres gives a client taken from the pool no 'error'
 * listener until its taker adds one, and Prisma's adapter adds its own only after awaiting
 * `pool.connect()`. A new connection whose first bytes from the server end with an error (say
 * "terminating connection due to administrator command" while PostgreSQL shuts down) emits it
 * in that gap, and an 'error' event with no listener ends the process. So every client gets a
 * listener of its own the moment it connects. It only logs: the pool drops a broken idle client,
 * and whoever holds a busy one sees its next query fail (a 503).
 */
export function createDatabasePool(settings: DatabaseSettings, onLost: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('connect', (client) => client.on('error', onLost));
  return pool;
}

/**
 * The database client: Prisma's query compiler over node-postgres (no native engine).
 * Only repositories and this folder use it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  /** The connection pool, held here so its usage can be measured (see MetricsService). */
  private readonly pool: pg.Pool;

  constructor(config: AppConfig) {
    // A lost connection is logged (an outage shows in the logs), never thrown at the process:
    // requests that needed it answer 503, and the pool opens new connections once the server is back.
    const logger = new Logger('Database');
    const lost = (err: Error) => logger.warn({ err: err.message }, 'database connection lost');
    const pool = createDatabasePool(config.database, lost);
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
  }

  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
