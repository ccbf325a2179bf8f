import { Global, Module } from '@nestjs/common';
import { SessionStateCache } from './session-state.cache.js';

/**
 * One in-memory view of live sessions per instance, shared by every module that reads or changes
 * auth state: the token check reads it (auth), role and plan changes wait for it to catch up (users).
 */
@Global()
@Module({
  providers: [SessionStateCache],
  exports: [SessionStateCache],
})
export class SessionStateModule {}
