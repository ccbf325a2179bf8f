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

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
