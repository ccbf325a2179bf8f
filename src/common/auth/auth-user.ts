import type { Plan, Role } from '../../generated/prisma/enums.js';

/** The authenticated caller, as the JWT strategy puts it on `req.user`. */
export type AuthUser = {
  id: string;
  /** Current role and plan, read with the session on every request (never a stale claim). */
  role: Role;
  plan: Plan;
  /** The login session (refresh family) the access token belongs to; null for an API key. */
  sessionId: string | null;
  /** The access token's `jti`; null for an API key. */
  tokenId: string | null;
  /** When the session's sign-in happened (refreshes keep it); null for an API key. */
  authenticatedAt: Date | null;
  /** Set when the caller authenticated with X-API-Key: which key, and what it may do. */
  apiKey?: { id: string; scopes: readonly string[] };
};
