import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PermissionsGuard } from './permissions.guard.js';
import { RouteInventory } from './route-inventory.js';

@Module({
  imports: [DiscoveryModule],
  providers: [PermissionsGuard, RouteInventory],
  exports: [PermissionsGuard, RouteInventory],
})
export class AuthorizationModule {}
