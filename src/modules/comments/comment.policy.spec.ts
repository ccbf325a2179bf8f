import { describe, expect, it } from '@jest/globals';
import type { AuthUser } from '../../common/auth/auth-user.js';
import { Plan, Role } from '../../generated/prisma/enums.js';
import { CommentPolicy } from './comment.policy.js';

const user = (id: string, role: Role): AuthUser => ({ id, role, plan: Plan.DEFAULT, sessionId: 's', tokenId: 't', authenticatedAt: null });
const [alice, bob, carol] = [user('alice', Role.user), user('bob', Role.user), user('carol', Role.user)];
const [mod, admin] = [user('mod', Role.moderator), user('admin', Role.admin)];
/** Bob's comment on Alice's post. */
const comment = { authorId: 'bob' };
const post = { authorId: 'alice' };

describe('CommentPolicy', () => {
  it('only the comment author and admins may edit it', () => {
    expect([bob, alice, carol, mod, admin].map((u) => CommentPolicy.canUpdate(u, comment))).toEqual([true, false, false, false, true]);
  });

  it("the comment's author, the post's author, moderators and admins may delete it; no one else", () => {
    expect([bob, alice, carol, mod, admin].map((u) => CommentPolicy.canDelete(u, comment, post))).toEqual([true, true, false, true, true]);
  });
});
