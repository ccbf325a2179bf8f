import type { Request } from 'express';
import type { AuthUser } from '../../common/auth/auth-user.js';

/** Who a request counts against: the API key, else the signed-in user, else the client IP. */
export type Principal = { key: string; userId: string | null };

export function principalOf(req: Request): Principal {
  const user = (req as Request & { user?: AuthUser }).user;
  if (user?.apiKey) return { key: `key:${user.apiKey.id}`, userId: user.id };
  if (user) return { key: `user:${user.id}`, userId: user.id };
  // req.ip honours X-Forwarded-For only for the configured proxy hops (TRUST_PROXY).
  return { key: `ip:${req.ip ?? 'unknown'}`, userId: null };
}
