import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../../common/auth/public.decorator.js';
import { SkipThrottle } from '@nestjs/throttler';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { DatabaseHealthIndicator } from '../../database/database.health.js';
import { ServiceUnavailableError } from '../../common/errors/app-error.js';
import { RedisHealthIndicator } from './redis.health.js';
import { LivenessDto } from './dto/liveness.dto.js';
import { ShutdownState } from './shutdown-state.js';

/** Probes for orchestrators. They reveal up/down only: no versions, hosts or error text. */
@ApiTags('health')
@SkipThrottle()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @ApiOperation({
    summary: 'Check that the process is up',
    description:
      'Public liveness probe, outside `/api`, not rate limited. Always 200 while the process runs; reveals nothing else.',
  })
  @Public()
  @ApiOkResponse({ type: LivenessDto, description: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Check that the service can serve',
    description:
      'Public readiness probe, outside `/api`, not rate limited. 200 when PostgreSQL (and Redis, when configured) answer within short timeouts; 503 when a dependency is down or the instance is shutting down. Reveals up/down only: no versions, hosts or error text.',
  })
  @Public()
  @HealthCheck()
  @ApiOkResponse({ description: 'PostgreSQL (and Redis, when configured) reachable within short timeouts' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'A dependency is down' })
  ready(): Promise<HealthCheckResult> {
    if (this.shutdown.draining) throw new ServiceUnavailableError('Shutting down');
    const checks = [() => this.database.check(), ...(this.redis.configured ? [() => this.redis.check()] : [])];
    return this.health.check(checks);
  }
}
