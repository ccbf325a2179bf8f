import { Role } from '../../generated/prisma/enums.js';

/**
 * The policy table (docs/API.md §3): which role holds which permission. Guards, ownership policies
 * and the policy-matrix test all read this one table.
 */
export const PERMISSIONS = [
  'posts:create',
  'posts:update:own',
  'posts:delete:own',
  'posts:read:published',
  'posts:read:own',
  'posts:read:any',
  'posts:delete:any',
  'posts:update:any',
  'comments:create',
  'comments:update:own',
  'comments:delete:own',
  'comments:delete:any',
  'comments:update:any',
  'users:read:any',
  'users:manage',
  'audit:read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const USER: Permission[] = [
  'posts:create',
  'posts:update:own',
  'posts:delete:own',
  'posts:read:published',
  'posts:read:own',
  'comments:create',
  'comments:update:own',
  'comments:delete:own',
];
const MODERATOR: Permission[] = [...USER, 'posts:read:any', 'posts:delete:any', 'comments:delete:any'];
const ADMIN: Permission[] = [...MODERATOR, 'posts:update:any', 'comments:update:any', 'users:read:any', 'users:manage', 'audit:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  [Role.user]: new Set(USER),
  [Role.moderator]: new Set(MODERATOR),
  [Role.admin]: new Set(ADMIN),
};

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}
