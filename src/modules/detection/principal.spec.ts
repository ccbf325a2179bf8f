import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { networkOf, principalOf } from './principal.js';

describe('detection principals', () => {
  it('counts an IPv4 address as itself, and an IPv6 address by its /64', () => {
    expect(networkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(networkOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:0db8:0001:0002:ffff::9')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
    expect(networkOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(networkOf('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
  });

  it('counts an IPv4 address inside an IPv6 one as that IPv4 address, and a dotted tail as two groups', () => {
    for (const mapped of ['::ffff:102:304', '0:0:0:0:0:ffff:1.2.3.4', '::ffff:1.2.3.4%eth0', '64:ff9b::1.2.3.4']) expect(networkOf(mapped)).toBe('1.2.3.4');
    expect(networkOf('1::2:3:4:5.6.7.8')).toBe('1:0:0:2::/64');
  });

  it('drops a port a proxy appended, and counts anything that is no address as one network', () => {
    expect(networkOf('1.2.3.4:5678')).toBe('1.2.3.4');
    expect(networkOf('[2001:db8:1:2::1]:443')).toBe('2001:db8:1:2::/64');
    for (const junk of ['unknown', '', 'not an ip', '999.1.1.1', '::g']) expect(networkOf(junk)).toBe('invalid');
  });

  it('counts an API key as its owner, and a caller not signed in by network', () => {
    const viaKey = { user: { id: 'u1', apiKey: { id: 'k1' } }, ip: '203.0.113.7' } as unknown as Request;
    const viaSession = { user: { id: 'u1' }, ip: '203.0.113.7' } as unknown as Request;
    expect(principalOf(viaKey)).toEqual(principalOf(viaSession));
    expect(principalOf({ ip: '2001:db8:1:2::5' } as Request)).toEqual(principalOf({ ip: '2001:db8:1:2::6' } as Request));
    expect(principalOf({ ip: '2001:db8:1:3::5' } as Request)).not.toEqual(principalOf({ ip: '2001:db8:1:2::5' } as Request));
  });
});
