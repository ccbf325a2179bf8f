import { describe, expect, it } from '@jest/globals';
import { Role } from '../../generated/prisma/enums.js';
import { hasPermission, PERMISSIONS, ROLE_PERMISSIONS, type Permission } from './permissions.js';

/** docs/API.md §3, transcribed: a change to the table must be a deliberate change to this test. */
const CONTRACT_TABLE: Record<Permission, [user: boolean, moderator: boolean, admin: boolean]> = {
  'posts:create': [true, true, true],
  'posts:update:own': [true, true, true],
  'posts:delete:own': [true, true, true],
  'posts:read:published': [true, true, true],
  'posts:read:own': [true, true, true],
  'posts:read:any': [false, true, true],
  'posts:delete:any': [false, true, true],
  'posts:update:any': [false, false, true],
  'comments:create': [true, true, true],
  'comments:update:own': [true, true, true],
  'comments:delete:own': [true, true, true],
  'comments:delete:any': [false, true, true],
  'comments:update:any': [false, false, true],
  'users:read:any': [false, false, true],
  'users:manage': [false, false, true],
  'audit:read': [false, false, true],
};

describe('permission table', () => {
  it('covers every permission', () => {
    expect(Object.keys(CONTRACT_TABLE).sort()).toEqual([...PERMISSIONS].sort());
  });

  it.each(PERMISSIONS)('%s matches docs/API.md for every role', (permission) => {
    const [user, moderator, admin] = CONTRACT_TABLE[permission];
    expect([Role.user, Role.moderator, Role.admin].map((r) => hasPermission(r, permission))).toEqual([user, moderator, admin]);
  });

  it('grants nothing to an unknown role', () => {
    expect(hasPermission('ROOT' as Role, 'posts:create')).toBe(false);
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual(['admin', 'moderator', 'user']);
  });
});
