import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ReauthenticationModule } from '../auth/reauthentication/reauthentication.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountExportRepository } from './account-export.repository.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';

@Module({
  imports: [AuthModule, ReauthenticationModule, UsersModule],
  controllers: [AccountController],
  providers: [AccountService, AccountExportRepository],
})
export class AccountModule {}
