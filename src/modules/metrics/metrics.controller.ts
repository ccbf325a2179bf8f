import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator.js';
import { NotFoundError } from '../../common/errors/app-error.js';
import { AppConfig } from '../../config/app-config.js';
import { SkipThrottle } from '@nestjs/throttler';
import { MetricsService } from './metrics.service.js';

const matches = (given: string, expected: string) =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

/**
 * Prometheus scrape endpoint, outside /api. It is not a user route: it answers only the scraper's
 * own bearer token (METRICS_TOKEN) and is a plain 404 otherwise, or when no token is configured.
 */
@ApiExcludeController()
@SkipThrottle()
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Headers('authorization') authorization?: string): Promise<string> {
    const token = this.config.app.metricsToken;
    if (!token || !matches(authorization ?? '', `Bearer ${token}`)) throw new NotFoundError();
    return this.metrics.registry.metrics();
  }
}
