import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { USER_STATUSES, type UserStatus } from './user-response.dto.js';

export class ChangeStatusDto {
  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus', description: 'disabled: every session and API key stops at once' })
  @IsIn(USER_STATUSES)
  status!: UserStatus;
}
