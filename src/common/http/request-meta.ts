import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling from where: what security events and sessions record. */
export type RequestMeta = {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
};

export function requestMetaOf(req: Request): RequestMeta {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    requestId: typeof (req as { id?: unknown }).id === 'string' ? ((req as { id?: string }).id ?? null) : null,
  };
}

/** `@ReqMeta() meta: RequestMeta` in a handler. */
export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  requestMetaOf(ctx.switchToHttp().getRequest<Request>()),
);
