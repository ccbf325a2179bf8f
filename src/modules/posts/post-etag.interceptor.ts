import { Injectable, UseInterceptors, applyDecorators, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import type { PostResponseDto } from './dto/post-response.dto.js';
import { postETag } from './post.etag.js';

/** How the OpenAPI document describes the header (RFC 9110 §8.8.3). */
export const ETAG_HEADER_DOC = {
  ETag: {
    description: 'Strong entity tag of the post: its version in quotes, e.g. "3". Send it back in If-Match to update or delete.',
    schema: { type: 'string', pattern: '^"[1-9][0-9]{0,9}"$', maxLength: 12 },
  },
};

/** Sets `ETag` from the post a handler returns (the strong validator of its representation). */
@Injectable()
export class PostETagInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler<PostResponseDto>): Observable<PostResponseDto> {
    return next.handle().pipe(
      map((post) => {
        ctx.switchToHttp().getResponse<Response>().setHeader('ETag', postETag(post.version));
        return post;
      }),
    );
  }
}

/** The handler returns one post, and its response carries that post's ETag. */
export const SendsPostETag = () => applyDecorators(UseInterceptors(PostETagInterceptor));
