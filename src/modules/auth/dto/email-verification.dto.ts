import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { AccountEmail } from '../../../common/http/account-email.js';

export class VerifyEmailDto {
  @ApiProperty({ description: 'The token from the mailed link (after #token=)', minLength: 16, maxLength: 128 })
  @IsString()
  @Length(16, 128)
  token!: string;
}

export class ResendVerificationDto {
  @AccountEmail()
  email!: string;
}
