import type { UserProfileRow } from './user.select.js';
import type { PublicUserDto, UserProfileDto } from './dto/user-response.dto.js';

/** Explicit response shapes: a row is never returned as it is. */
export function toUserProfile(row: UserProfileRow): UserProfileDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    plan: row.plan,
    emailVerified: row.emailVerifiedAt !== null,
    status: row.disabledAt ? 'disabled' : 'active',
    createdAt: row.createdAt.toISOString(),
  };
}

/** What anyone signed in may see of another user: no email, no role. */
export function toPublicUser(row: UserProfileRow): PublicUserDto {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}
