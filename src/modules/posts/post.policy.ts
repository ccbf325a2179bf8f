import type { AuthUser } from '../../common/auth/auth-user.js';
import { hasPermission } from '../../common/auth/permissions.js';
import type { PostRow } from './post.select.js';

type PostRef = Pick<PostRow, 'authorId' | 'isPublished'>;

const isAuthor = (user: AuthUser, post: PostRef) => post.authorId === user.id;

/**
 * Post ownership rules, in one place (docs/API.md §3). The permission table says what a role may do
 * to its own posts and to anyone's; this decides which applies to a given post.
 */
export const PostPolicy = {
  canRead(user: AuthUser, post: PostRef): boolean {
    if (post.isPublished) return hasPermission(user.role, 'posts:read:published');
    return (isAuthor(user, post) && hasPermission(user.role, 'posts:read:own')) || hasPermission(user.role, 'posts:read:any');
  },

  canUpdate(user: AuthUser, post: PostRef): boolean {
    return (isAuthor(user, post) && hasPermission(user.role, 'posts:update:own')) || hasPermission(user.role, 'posts:update:any');
  },

  canDelete(user: AuthUser, post: PostRef): boolean {
    return (isAuthor(user, post) && hasPermission(user.role, 'posts:delete:own')) || hasPermission(user.role, 'posts:delete:any');
  },
} as const;
