import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'title' })
  field!: string;

  @ApiProperty({ example: 'title must be longer than or equal to 3 characters' })
  message!: string;
}

/** The one error body of the API (docs/API.md §1). */
export class ErrorResponseDto {
  @ApiProperty({ example: 'Validation failed', description: 'A short, stable message; never a stack trace or internal detail' })
  error!: string;

  @ApiProperty({ format: 'uuid', description: 'The X-Request-Id of the answer, also in the logs' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Only on a 400 validation failure: one entry per refused field' })
  details?: FieldErrorDto[];

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000_000, example: 30, description: 'Only on a 429: seconds to wait, as in Retry-After' })
  retryAfter?: number;
}
