import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsString, ValidateIf } from 'class-validator';
import { plainText } from '../../../common/http/plain-text.js';
import { TextLength } from '../../../common/http/text-length.js';

/**
 * Optional fields may be left out, never null. Limits from the seeds: title 3..200, content up to
 * 50,000, at most 10 tags. Text is made plain (HTML stripped) before it is validated, so the
 * limits hold for what is stored. authorId comes from the token.
 */
export class CreatePostDto {
  @ApiProperty({ minLength: 3, maxLength: 200, description: 'Plain text: HTML is stripped, then the length is checked' })
  @Transform(plainText)
  @IsString()
  @TextLength(3, 200)
  title!: string;

  @ApiProperty({ maxLength: 50_000, description: 'Plain text: HTML is stripped, then the length is checked' })
  @Transform(plainText)
  @IsString()
  @TextLength(0, 50_000)
  content!: string;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', minLength: 1, maxLength: 50 }, maxItems: 10 })
  @Transform(plainText)
  @ValidateIf((_dto: unknown, value: unknown) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @TextLength(1, 50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ default: false })
  @ValidateIf((_dto: unknown, value: unknown) => value !== undefined)
  @IsBoolean()
  isPublished?: boolean;
}
