import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { normalizeEmail } from '../../../common/http/transforms.js';
import { PASSWORD_MAX } from '../password/password-policy.js';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @Transform(normalizeEmail)
  @IsEmail()
  @MaxLength(254)
  email!: string;

  /** A cheap cap before any hashing: 128 characters are at most 512 UTF-16 units. */
  @ApiProperty({ maxLength: PASSWORD_MAX * 4, format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX * 4)
  password!: string;
}
