import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { PASSWORD_MAX } from '../../../common/auth/password-policy.js';

/** A 6-digit TOTP code, or a recovery code XXXX-XXXX-XXXX-XXXX (dashes optional). */
const CODE = /^(\d{6}|[A-Za-z0-9]{4}(-?[A-Za-z0-9]{4}){3})$/;

export class MfaCodeDto {
  @ApiProperty({ example: '123456', description: 'A code from the authenticator app', pattern: CODE.source })
  @IsString()
  @Matches(CODE, { message: 'code must be 6 digits or a recovery code' })
  code!: string;
}

export class MfaEnableDto extends MfaCodeDto {
  @ApiPropertyOptional({
    maxLength: PASSWORD_MAX * 4,
    format: 'password',
    description: 'Required unless this session signed in within RECENT_AUTHENTICATION_SECONDS (10 minutes): enabling ends every other session',
  })
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX * 4)
  password?: string;
}

export class MfaVerifyDto extends MfaCodeDto {
  @ApiPropertyOptional({ description: 'The challenge from the login response (or the __Host-mfa_challenge cookie)', maxLength: 4096 })
  @IsOptional()
  @IsString()
  @Length(16, 4096)
  mfaToken?: string;
}

export class MfaDisableDto extends MfaCodeDto {
  @ApiProperty({ maxLength: PASSWORD_MAX * 4, format: 'password' })
  @IsString()
  @Length(1, PASSWORD_MAX * 4)
  password!: string;
}

export class MfaSetupDto {
  @ApiProperty({ example: 'otpauth://totp/Secure%20API:ann%40example.com?secret=...&issuer=Secure%20API' })
  otpauthUrl!: string;

  @ApiProperty({ description: 'The same URL as a QR code (PNG data URL)', maxLength: 16_384 })
  qrCodeDataUrl!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Ten one-time codes, shown only now' })
  recoveryCodes!: string[];
}

export class MfaChallengeDto {
  @ApiProperty({ enum: [true] })
  mfaRequired!: true;

  @ApiProperty({ description: 'Valid 5 minutes, for POST /auth/mfa/verify only' })
  mfaToken!: string;
}
