import type { Plan, Role } from '../../generated/prisma/enums.js';

/** The authenticated caller, as the JWT strategy puts it on `req.user`. */
export type AuthUser = {
  id: string;
  /** Current role and plan, read with the session on every request (never a stale claim). */
  role: Role;
  plan: Plan;
  /** The login session (refresh family) the access token belongs to. */
  sessionId: string;
  /** The access token's `jti`. */
  tokenId: string;
};
