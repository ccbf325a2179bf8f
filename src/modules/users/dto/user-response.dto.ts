import { ApiProperty } from '@nestjs/swagger';
import { Plan, Role } from '../../../generated/prisma/enums.js';

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
}
