import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { AccountEmail } from '../../../common/http/account-email.js';
import { IsAcceptablePassword } from '../password/is-acceptable-password.decorator.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../../common/auth/password-policy.js';

export class ForgotPasswordDto {
  @AccountEmail()
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token from the mailed link', minLength: 16, maxLength: 128 })
  @IsString()
  @Length(16, 128)
  token!: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @IsAcceptablePassword()
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: PASSWORD_MAX * 4, format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX * 4)
  currentPassword!: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @IsAcceptablePassword()
  newPassword!: string;

  @ApiPropertyOptional({ description: 'Also revoke every API key of the account (default false)' })
  @IsOptional()
  @IsBoolean()
  revokeApiKeys?: boolean;
}

export class AcceptedDto {
  @ApiProperty({ example: 'If an account exists for this address, a reset link is on its way.' })
  message!: string;
}
