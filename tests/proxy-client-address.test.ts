/**
 * "Which address is this client at" behind reverse proxies: X-Forwarded-For is believed only from
 * a proxy listed in TRUST_PROXY, walked right to left over trusted hops; everything else is the
 * TCP peer. One function answers for REST, the WebSocket upgrade and the logs.
 */
import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, parseTrustedProxies, TrustProxyError } from '../server/request-trust/client-address.ts';

describe('client address', () => {
  const proxies = parseTrustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8', '::1']);

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddress('198.51.100.7', '203.0.113.9', proxies)).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', '203.0.113.9', parseTrustedProxies([]))).toBe('198.51.100.7');
    expect(clientAddress('127.0.0.1', '203.0.113.9', parseTrustedProxies([]))).toBe('127.0.0.1');
  });

  it('takes the first untrusted hop from the right, so a forged leftmost entry does not count', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.9', proxies)).toBe('203.0.113.9');
    // The client wrote "1.2.3.4" itself; the edge proxy (10.1.2.3) saw 203.0.113.9.
    expect(clientAddress('10.0.0.5', '1.2.3.4, 203.0.113.9, 10.1.2.3', proxies)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:127.0.0.1', ['1.2.3.4', '203.0.113.9'], proxies)).toBe('203.0.113.9');
    // Every hop trusted: the leftmost is the best we know.
    expect(clientAddress('127.0.0.1', '10.9.9.9, 10.1.1.1', proxies)).toBe('10.9.9.9');
    // A malformed hop ends the walk at the last address a trusted proxy vouched for.
    expect(clientAddress('127.0.0.1', 'garbage, 10.1.1.1', proxies)).toBe('10.1.1.1');
    expect(clientAddress('127.0.0.1', '', proxies)).toBe('127.0.0.1');
  });

  it('handles IPv6 peers, hops with ports and brackets, and IPv6 CIDRs', () => {
    expect(clientAddress('::1', '2001:db8::1', proxies)).toBe('2001:db8::1');
    expect(clientAddress('fd12::3', '[2001:db8::2]:4711, fd00::9', proxies)).toBe('2001:db8::2');
    expect(clientAddress('127.0.0.1', '203.0.113.9:5123', proxies)).toBe('203.0.113.9');
    expect(clientAddress('2001:db8::5', '203.0.113.9', proxies)).toBe('2001:db8::5');
  });

  it('counts an IPv6 /64 as one address for limits, IPv4 addresses one by one', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
  });

  it('refuses a TRUST_PROXY entry that is not an address or CIDR', () => {
    for (const bad of ['nginx', '10.0.0.0/33', '10.0.0.1/8/1', 'fd00::/129', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies([bad]), bad).toThrow(TrustProxyError);
    }
  });
});
