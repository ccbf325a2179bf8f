import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class RefreshDto {
  @ApiPropertyOptional({ description: 'Omit to use the __Host-refresh_token cookie', maxLength: 128 })
  @IsOptional()
  @IsString()
  @Length(16, 128)
  refreshToken?: string;
}
