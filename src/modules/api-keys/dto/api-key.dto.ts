import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsDateString, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { trimString } from '../../../common/http/transforms.js';
import { PASSWORD_MAX } from '../../../common/auth/password-policy.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../../common/auth/api-key-scopes.js';

export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'CI deploy bot' })
  @Transform(trimString)
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, minItems: 1, maxItems: API_KEY_SCOPES.length })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @ArrayUnique()
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes!: ApiKeyScope[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Default and maximum: API_KEY_*_LIFETIME_DAYS (365)' })
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;

  @ApiPropertyOptional({
    format: 'password',
    maxLength: PASSWORD_MAX * 4,
    description: 'Required unless this session signed in within RECENT_AUTHENTICATION_SECONDS (10 minutes): a key outlives any session',
  })
  @IsOptional()
  @IsString()
  @Length(1, PASSWORD_MAX * 4)
  password?: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'The visible start of the key, to recognise it', example: 'sk_AbCdEfGhIjKl' })
  prefix!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  scopes!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Accurate to about a minute' })
  lastUsedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself, shown this once only: store it now' })
  key!: string;
}
