import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { PrismaClient } from '../generated/prisma/client.js';

/**
 * The database client: Prisma's query compiler over node-postgres (no native engine).
 * Only repositories and this folder use it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  /** The connection pool, held here so its usage can be measured (see MetricsService). */
  private readonly pool: pg.Pool;

  constructor(config: AppConfig) {
    const pool = new pg.Pool({
      connectionString: config.database.url,
      max: config.database.poolSize,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // A lost connection is logged (an outage shows in the logs), never thrown at the process:
    // requests that needed it answer 503, and the pool opens new connections once the server is back.
    const logger = new Logger('Database');
    const lost = (err: Error) => logger.warn({ err: err.message }, 'database connection lost');
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true, onPoolError: lost, onConnectionError: lost }) });
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
