import { ApiProperty } from '@nestjs/swagger';

/** The liveness answer: nothing but "up". */
export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}
