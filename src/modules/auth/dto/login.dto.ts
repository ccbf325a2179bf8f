import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { AccountEmail } from '../../../common/http/account-email.js';
import { PASSWORD_MAX } from '../../../common/auth/password-policy.js';

export class LoginDto {
  @AccountEmail()
  email!: string;

  /** A cheap cap before any hashing: 128 characters are at most 512 UTF-16 units. */
  @ApiProperty({ maxLength: PASSWORD_MAX * 4, format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX * 4)
  password!: string;
}
