import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health.js';
import { PrismaService } from './prisma.service.js';
import { SessionStateCache } from './session-state.cache.js';

/**
 * Global (with config and logging, the only global modules): every module reads the database, and
 * the one in-memory view of live sessions per instance (SessionStateCache) is shared by the token
 * check (auth) and by every change that waits for it to catch up (users, Google account claims).
 */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [PrismaService, DatabaseHealthIndicator, SessionStateCache],
  exports: [PrismaService, DatabaseHealthIndicator, SessionStateCache],
})
export class DatabaseModule {}
