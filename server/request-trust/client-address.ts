/**
 * "Which address is this client at": the one answer used by REST limits, the WebSocket upgrade,
 * sign-in throttling and the logs. Behind a reverse proxy the TCP peer is the proxy, so every
 * person would share one address (and one set of limits); `X-Forwarded-For` is believed only
 * when the peer is a proxy the operator listed in `TRUST_PROXY`, and then only as far as the
 * chain of trusted hops goes: anything left of the first untrusted hop was written by the
 * client and may be forged.
 */
import { BlockList, isIP } from 'node:net';

export class TrustProxyError extends Error {
  readonly code = 'invalid_trust_proxy';
}

export interface TrustedProxies {
  /** Is `address` one of the configured proxies? */
  trusts(address: string): boolean;
  readonly empty: boolean;
}

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1. */
export function normalizeAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped ? mapped[1] : lower;
}

/** Entries are addresses or CIDRs, IPv4 or IPv6 (`10.0.0.0/8`, `::1`, `fd00::/8`). */
export function parseTrustedProxies(entries: string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [rawAddress, rawPrefix, extra] = entry.split('/');
    const address = normalizeAddress(rawAddress ?? '');
    const family = isIP(address);
    if (!family || extra !== undefined) throw new TrustProxyError(`TRUST_PROXY: "${entry}" is not an address or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (rawPrefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = Number(rawPrefix);
    if (!/^\d+$/.test(rawPrefix) || prefix > (family === 4 ? 32 : 128)) throw new TrustProxyError(`TRUST_PROXY: "${entry}" has a bad prefix length`);
    list.addSubnet(address, prefix, type);
  }
  return {
    empty: entries.length === 0,
    trusts(raw) {
      const address = normalizeAddress(raw);
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export const NO_TRUSTED_PROXIES: TrustedProxies = parseTrustedProxies([]);

/** One `X-Forwarded-For` entry as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`, `::1`. */
function hopAddress(entry: string): string | null {
  let value = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  value = normalizeAddress(value);
  return isIP(value) ? value : null;
}

/**
 * The client's address: the TCP peer, unless the peer is a trusted proxy; then walk
 * `X-Forwarded-For` right to left, skipping trusted hops, and take the first untrusted one.
 * A malformed entry ends the walk at the last address a trusted proxy vouched for.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  let current = normalizeAddress(peer ?? '') || 'unknown';
  if (trusted.empty || !forwardedFor || !trusted.trusts(current)) return current;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hopAddress(hops[i]);
    if (!hop) return current;
    current = hop;
    if (!trusted.trusts(hop)) return hop;
  }
  return current;
}

/**
 * The key per-address limits count under. An IPv6 client usually holds a whole /64 and can pick
 * any address in it, so limits count the /64; IPv4 addresses count one by one.
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
