import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { PASSWORD_MAX } from '../../../common/auth/password-policy.js';

export class DeleteAccountDto {
  @ApiPropertyOptional({
    format: 'password',
    maxLength: PASSWORD_MAX * 4,
    description: 'Required when the account has a password; an account without one needs a session started in the last 10 minutes',
  })
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX * 4)
  password?: string;

  @ApiPropertyOptional({ description: 'A TOTP or recovery code, required when MFA is on', minLength: 6, maxLength: 32 })
  @IsOptional()
  @IsString()
  @Length(6, 32)
  code?: string;
}

/** GET /users/me/export: everything the account holds, with no secret or hash of any kind. */
export class AccountExportDto {
  @ApiProperty({ format: 'date-time' })
  exportedAt!: string;

  @ApiProperty({ description: 'id, email, name, role, plan, emailVerified, status, mfaEnabled, createdAt' })
  profile!: Record<string, unknown>;

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Every post, drafts included' })
  posts!: Record<string, unknown>[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Every comment the user wrote, on any post' })
  comments!: Record<string, unknown>[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Sessions, ended ones included (no token or hash)' })
  sessions!: Record<string, unknown>[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'API keys: name, visible prefix, scopes, dates (never the key or its hash)' })
  apiKeys!: Record<string, unknown>[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Linked sign-in identities (issuer, subject, email)' })
  linkedIdentities!: Record<string, unknown>[];

  @ApiProperty({ type: 'array', items: { type: 'object' }, description: "The account's own security events" })
  auditEvents!: Record<string, unknown>[];

  @ApiProperty({ description: 'True when a collection was cut to its newest items (10,000 per collection, 4 million characters of post text, and as many of comment text)' })
  truncated!: boolean;
}
