import { ApiProperty } from '@nestjs/swagger';
import { IsEnum } from 'class-validator';
import { Plan } from '../../../generated/prisma/enums.js';

export class ChangePlanDto {
  @ApiProperty({ enum: Plan, enumName: 'Plan', description: 'Sets the per-user and per-API-key request quota' })
  @IsEnum(Plan)
  plan!: Plan;
}
