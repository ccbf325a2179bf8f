import { ApiProperty } from '@nestjs/swagger';

/** One RS256 public key as RFC 7517 writes it (never a private member). */
export class JwkDto {
  @ApiProperty({ enum: ['RSA'] })
  kty!: 'RSA';

  @ApiProperty({ description: 'Modulus, base64url', pattern: '^[A-Za-z0-9_-]+$' })
  n!: string;

  @ApiProperty({ description: 'Public exponent, base64url', pattern: '^[A-Za-z0-9_-]+$', maxLength: 16 })
  e!: string;

  @ApiProperty({ description: 'RFC 7638 thumbprint of the key, the `kid` of the tokens it verifies', maxLength: 64 })
  kid!: string;

  @ApiProperty({ enum: ['sig'] })
  use!: 'sig';

  @ApiProperty({ enum: ['RS256'] })
  alg!: 'RS256';
}

/** The JSON Web Key Set at /.well-known/jwks.json: the signing key, and during a rotation the previous ones. */
export class JwksDto {
  @ApiProperty({ type: [JwkDto], minItems: 1, maxItems: 10 })
  keys!: JwkDto[];
}
