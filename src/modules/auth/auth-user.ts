import type { Role } from '../../generated/prisma/enums.js';

/** The authenticated caller, as the JWT strategy puts it on `req.user`. */
export type AuthUser = {
  id: string;
  role: Role;
  /** The login session (refresh family) the access token belongs to. */
  sessionId: string;
  /** The access token's `jti`. */
  tokenId: string;
};
