import { isIPv4, isIPv6 } from 'node:net';
import type { Request } from 'express';
import type { AuthUser } from '../../common/auth/auth-user.js';

/** Who a request counts against: the signed-in user (also behind an API key), else the client's network. */
export type Principal = { key: string; userId: string | null };

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail is two), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = address.split('::');
  const left = toGroups(head);
  if (tail === undefined) return left;
  const right = toGroups(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const ipv4Of = (groups: number[]) => [groups[6] ?? 0, groups[7] ?? 0].flatMap((g) => [g >> 8, g & 255]).join('.');
const startsWith = (groups: number[], prefix: number[]) => prefix.every((g, i) => groups[i] === g);

/**
 * The network an address stands for: an IPv4 address itself; an IPv6 address's /64 (one
 * customer's allocation, in which anyone holds 2^64 addresses to rotate through); the IPv4
 * address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) one. A port a proxy
 * appended is dropped; anything that is not an address is one network, `invalid`.
 */
export function networkOf(ip: string): string {
  const bare = ip.replace(/^\[(.*)\](:\d+)?$/, '$1').replace(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/, '$1').split('%')[0] ?? '';
  if (isIPv4(bare)) return bare;
  const groups = ipv6Groups(bare);
  if (!groups) return 'invalid';
  if (startsWith(groups, [0, 0, 0, 0, 0, 0xffff]) || startsWith(groups, [0x64, 0xff9b, 0, 0, 0, 0])) return ipv4Of(groups);
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
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
