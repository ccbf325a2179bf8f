import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'title' })
  field!: string;

  @ApiProperty({ example: 'title must be longer than or equal to 3 characters' })
  message!: string;
}

/** The one error body of the API (docs/API.md §1). */
export class ErrorResponseDto {
  @ApiProperty({ example: 'Validation failed' })
  error!: string;

  @ApiProperty({ format: 'uuid' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  details?: FieldErrorDto[];
}
