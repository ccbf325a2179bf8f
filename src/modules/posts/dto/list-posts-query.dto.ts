import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { trimString } from '../../../common/http/transforms.js';
import { PaginationQueryDto } from '../../../common/pagination/pagination-query.dto.js';

export class ListPostsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Full-text search over title and content' })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @Length(1, 200)
  // eslint-disable-next-line no-control-regex -- PostgreSQL text cannot hold NUL: a 400, not a 500
  @Matches(/^[^\u0000]*$/, { message: 'q must not contain NUL' })
  q?: string;
}
