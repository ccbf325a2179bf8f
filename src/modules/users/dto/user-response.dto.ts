import { ApiProperty } from '@nestjs/swagger';
import { Plan, Role } from '../../../generated/prisma/enums.js';

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export class PublicUserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class UserProfileDto extends PublicUserDto {
  @ApiProperty({ format: 'email' })
  email!: string;

  @ApiProperty({ enum: Role, enumName: 'Role' })
  role!: Role;

  @ApiProperty({ enum: Plan, enumName: 'Plan' })
  plan!: Plan;

  @ApiProperty({ description: 'Whether the owner proved the address (link, reset or Google)' })
  emailVerified!: boolean;

  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus', description: 'A disabled account cannot sign in or use its keys' })
  status!: UserStatus;
}
