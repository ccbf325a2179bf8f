import { ApiProperty } from '@nestjs/swagger';

export class PostResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  authorId!: string;

  @ApiProperty({ minLength: 3, maxLength: 200 })
  title!: string;

  @ApiProperty({ maxLength: 50_000, description: 'Plain text; HTML is stripped on write' })
  content!: string;

  @ApiProperty({ type: [String], maxItems: 10 })
  tags!: string[];

  @ApiProperty()
  isPublished!: boolean;

  @ApiProperty({
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: 2_147_483_647,
    description: 'Bumped by every write. The ETag is this number in quotes: a list reader can send If-Match without a GET first.',
  })
  version!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
