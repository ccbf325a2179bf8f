import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { Paginated } from './paginated.js';

export const TOTAL_COUNT_HEADER = 'X-Total-Count';

@Injectable()
export class PaginationInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        if (!(body instanceof Paginated)) return body;
        ctx.switchToHttp().getResponse<Response>().setHeader(TOTAL_COUNT_HEADER, String(body.total));
        return body.items;
      }),
    );
  }
}
