import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { Paginated } from '../../common/pagination/paginated.js';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import { AuditService } from './audit.service.js';
import { AuditEventDto, ListAuditEventsQueryDto } from './dto/audit-event.dto.js';

/** The security trail, newest first, for admins (audit:read). Read-only: there is no write route. */
@ApiTags('admin')
@Controller({ path: 'admin/audit-events', version: '1' })
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'List audit events (admin)',
    description:
      'Needs `audit:read` (admins). Answers the security trail newest first, filtered by type, user and time range, paginated with `X-Total-Count`. Read-only. Refuses unknown query parameters (400), callers without the permission and API keys (403).',
  })
  @Authenticated({ permissions: ['audit:read'] })
  @ApiOkResponse({
    type: [AuditEventDto],
    headers: { 'X-Total-Count': { description: 'Total matching events', schema: { type: 'integer', format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991 } } },
  })
  list(@Query() query: ListAuditEventsQueryDto): Promise<Paginated<AuditEventDto>> {
    return this.audit.list(query);
  }
}
