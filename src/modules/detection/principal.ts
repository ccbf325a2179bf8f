import { isIPv6 } from 'node:net';
import type { Request } from 'express';
import type { AuthUser } from '../../common/auth/auth-user.js';

/** Who a request counts against: the signed-in user (also behind an API key), else the client's network. */
export type Principal = { key: string; userId: string | null };

/**
 * The network an address stands for: an IPv4 address itself, an IPv6 address's /64 (one
 * customer's allocation, in which anyone holds 2^64 addresses to rotate through).
 */
export function networkOf(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  const address = ip.split('%')[0] ?? ip;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * An API key counts as its owner: a user holding many keys (and a session) is one principal, so
 * spreading probes over keys gains nothing. A caller not signed in counts by network.
 */
export function principalOf(req: Request): Principal {
  const user = (req as Request & { user?: AuthUser }).user;
  if (user) return { key: `user:${user.id}`, userId: user.id };
  // req.ip honours X-Forwarded-For only for the configured proxy hops (TRUST_PROXY).
  return { key: `net:${networkOf(req.ip ?? 'unknown')}`, userId: null };
}
