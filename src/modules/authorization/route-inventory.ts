import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { ROUTE_AUTH_KEY, type RouteAuth } from '../../common/auth/route-auth.metadata.js';

export type RouteDeclaration = { controller: string; handler: string; auth: RouteAuth | undefined };

/**
 * Lists every route handler with its authentication declaration, and refuses to let the app boot
 * while one has none: a forgotten decorator is a build failure, not a silently public endpoint.
 */
@Injectable()
export class RouteInventory implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteDeclaration[] {
    return this.discovery.getControllers().flatMap(({ instance, metatype }) => {
      if (!instance || !metatype) return [];
      const proto = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
      return this.scanner
        .getAllMethodNames(proto)
        .filter((name) => Reflect.getMetadata(PATH_METADATA, proto[name]) !== undefined)
        .map((name) => ({
          controller: metatype.name,
          handler: name,
          auth: this.reflector.getAllAndOverride<RouteAuth | undefined>(ROUTE_AUTH_KEY, [proto[name], metatype]),
        }));
    });
  }

  onApplicationBootstrap(): void {
    const undeclared = this.routes().filter((r) => !r.auth);
    if (undeclared.length > 0) {
      const names = undeclared.map((r) => `${r.controller}.${r.handler}`).join(', ');
      throw new Error(`Routes without @Public() or @Authenticated(): ${names}`);
    }
  }
}
