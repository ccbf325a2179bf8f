import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository.js';

const FLUSH_EVERY_MS = 60_000;

/**
 * `lastUsedAt` without a database write per request: uses are collected in memory and written
 * in one statement a minute (and at shutdown). The value is accurate to about a minute.
 */
@Injectable()
export class ApiKeyUsageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ApiKeyUsage');
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly keys: ApiKeysRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  record(keyId: string): void {
    this.pending.add(keyId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    await this.keys.markUsed(ids, new Date()).catch((err: unknown) => {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not record API key use');
    });
  }
}
