import { ApiProperty } from '@nestjs/swagger';

export class TokenResponseDto {
  @ApiProperty({ description: 'RS256 JWT, valid expiresIn seconds' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque; also set as the __Host-refresh_token cookie' })
  refreshToken!: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 900 })
  expiresIn!: number;
}
