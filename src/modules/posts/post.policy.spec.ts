import { describe, expect, it } from '@jest/globals';
import { Plan, Role } from '../../generated/prisma/enums.js';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { PostPolicy } from './post.policy.js';

const user = (id: string, role: Role): AuthUser => ({ id, role, plan: Plan.DEFAULT, sessionId: 's', tokenId: 't', authenticatedAt: null });
const alice = user('alice', Role.user);
const bob = user('bob', Role.user);
const mod = user('mod', Role.moderator);
const admin = user('admin', Role.admin);
const draft = { authorId: 'alice', isPublished: false };
const published = { authorId: 'alice', isPublished: true };

describe('PostPolicy', () => {
  it('lets everyone read published posts, and drafts only their author and posts:read:any', () => {
    expect([alice, bob, mod, admin].map((u) => PostPolicy.canRead(u, published))).toEqual([true, true, true, true]);
    expect([alice, bob, mod, admin].map((u) => PostPolicy.canRead(u, draft))).toEqual([true, false, true, true]);
  });

  it('lets the author and posts:update:any (admins) update', () => {
    expect([alice, bob, mod, admin].map((u) => PostPolicy.canUpdate(u, published))).toEqual([true, false, false, true]);
  });

  it('lets the author and posts:delete:any (moderators, admins) delete', () => {
    expect([alice, bob, mod, admin].map((u) => PostPolicy.canDelete(u, draft))).toEqual([true, false, true, true]);
  });

  it('applies to moderators and admins as authors too', () => {
    const own = { authorId: 'mod', isPublished: false };
    expect(PostPolicy.canUpdate(mod, own)).toBe(true);
    expect(PostPolicy.canRead(bob, own)).toBe(false);
  });
});
