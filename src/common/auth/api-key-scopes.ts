/**
 * What an API key may be allowed to do (docs/API.md §2). A key acts as its owner, but only on the
 * routes that accept its scopes, and never beyond the owner's role.
 */
export const API_KEY_SCOPES = ['posts:read', 'posts:write', 'comments:write', 'profile:read'] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
