import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { AccountEmail } from '../../../common/http/account-email.js';
import { trimString } from '../../../common/http/transforms.js';
import { IsAcceptablePassword } from '../password/is-acceptable-password.decorator.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../../common/auth/password-policy.js';

export class RegisterDto {
  @AccountEmail()
  email!: string;

  /** 12..128 characters, no composition rules, not common, not the email name. Spaces count. */
  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @IsAcceptablePassword({ emailField: 'email' })
  password!: string;

  @ApiProperty({ minLength: 1, maxLength: 100 })
  @Transform(trimString)
  @IsString()
  @Length(1, 100)
  name!: string;
}
