import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString } from 'class-validator';
import { plainText } from '../../../common/http/plain-text.js';
import { TextLength } from '../../../common/http/text-length.js';

/** Content 1..5000 characters of plain text: HTML is stripped first, so the limits hold for what is stored. */
export class CreateCommentDto {
  @ApiProperty({ minLength: 1, maxLength: 5000, description: 'Plain text: HTML is stripped, then the length is checked' })
  @Transform(plainText)
  @IsString()
  @TextLength(1, 5000)
  content!: string;
}
