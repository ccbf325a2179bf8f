import type { AuthUser } from '../../common/auth/auth-user.js';
import { hasPermission } from '../../common/auth/permissions.js';
import type { PostRow } from '../posts/post.select.js';
import type { CommentRow } from './comment.select.js';

type CommentRef = Pick<CommentRow, 'authorId'>;

/**
 * Comment ownership rules, in one place (docs/API.md §3). Reading and adding follow the post:
 * whoever may read it (PostPolicy) may read and add its comments, so a draft's comments are as
 * private as the draft. Beyond that, the permission table says what a role may do to its own
 * comments and to anyone's; this decides which applies to a given comment.
 */
export const CommentPolicy = {
  /** The comment's author; or `comments:update:any` (admins). */
  canUpdate(user: AuthUser, comment: CommentRef): boolean {
    return (comment.authorId === user.id && hasPermission(user.role, 'comments:update:own')) || hasPermission(user.role, 'comments:update:any');
  },

  /** The comment's author or the post's author; or `comments:delete:any` (moderators, admins). */
  canDelete(user: AuthUser, comment: CommentRef, post: Pick<PostRow, 'authorId'>): boolean {
    const owns = comment.authorId === user.id || post.authorId === user.id;
    return (owns && hasPermission(user.role, 'comments:delete:own')) || hasPermission(user.role, 'comments:delete:any');
  },
} as const;
