import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader, ApiPreconditionFailedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { MAX_IF_MATCH_LENGTH, parseIfMatch } from './post.etag.js';

/** `@IfMatch() expected: VersionPrecondition` in a handler: the parsed If-Match header. */
export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  parseIfMatch(ctx.switchToHttp().getRequest<Request>().headers['if-match']),
);

/** Documents the optional If-Match of a write and its 412 answer. */
export const ConditionalWrite = () =>
  applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description:
        'The ETag the change is based on (RFC 9110 §13.1.1), or *. If the post has changed since, the write is refused ' +
        'with 412. Weak or malformed tags never match. Without it, the write is unconditional.',
      schema: { type: 'string', maxLength: MAX_IF_MATCH_LENGTH },
    }),
    ApiPreconditionFailedResponse({
      type: ErrorResponseDto,
      description: 'If-Match does not match the current ETag: the post changed since it was read. Fetch it again and retry.',
    }),
  );
