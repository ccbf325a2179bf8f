import { Module } from '@nestjs/common';
import { RedisModule } from '../../redis/redis.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { MailModule } from '../mail/mail.module.js';
import { ReauthenticationModule } from '../auth/reauthentication/reauthentication.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountExportRepository } from './account-export.repository.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';

@Module({
  imports: [AuthModule, ReauthenticationModule, UsersModule, AuditModule, MailModule, RedisModule],
  controllers: [AccountController],
  providers: [AccountService, AccountExportRepository],
})
export class AccountModule {}
