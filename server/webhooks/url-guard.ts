/**
 * Where a webhook may be sent (docs/security.md, "Webhooks"). A webhook URL is chosen by a
 * configuration's owner and fetched by the server, inside the deployment's network: without a
 * guard it is a way to make the server call its own metadata service, Redis or an admin port.
 *
 * - When saved: http or https only, no user name or password in it, at most 2048 characters, and
 *   a literal address must not be refused (below). Names are not resolved then: what a name
 *   resolves to can change.
 * - On every attempt: the name is resolved, and the address the connection is actually made to
 *   is checked (the check sits in the socket's `lookup`, so a name that resolves to a public
 *   address when checked and to 127.0.0.1 when connecting — DNS rebinding — cannot slip through).
 *   Loopback, private, shared, link-local (the cloud metadata service 169.254.169.254 included),
 *   multicast, reserved and documentation ranges are refused, for IPv4, IPv6 and IPv4 inside IPv6.
 * - `WEBHOOK_ALLOWED_NETWORKS` (CIDRs) lets addresses through that would be refused: an on-prem
 *   receiver in 10.0.0.0/8, or a test's receiver on 127.0.0.1.
 * - Redirects are never followed (delivery.ts): a 3xx is a failed attempt.
 */
import { BlockList, isIP } from 'node:net';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

const REFUSED_V4 = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, cloud metadata
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, broadcast
];
const REFUSED_V6 = [
  '::/128',
  '::1/128',
  '64:ff9b::/96', // NAT64: an IPv4 address in disguise
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23', // IETF protocol assignments (Teredo and others)
  '2001:db8::/32',
  '2002::/16', // 6to4
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10',
  'ff00::/8', // multicast
];

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, Number(bits), family);
  }
  return list;
}

const refused = blockListOf([...REFUSED_V4, ...REFUSED_V6]);

export class NetworkListError extends Error {
  readonly code = 'invalid_setting';
}

/** `WEBHOOK_ALLOWED_NETWORKS`: CIDRs (`10.1.0.0/16`, `127.0.0.1/32`, `fd00::/8`) or single addresses. */
export function parseAllowedNetworks(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits, extra] = entry.trim().split('/');
    const version = isIP(address);
    const max = version === 6 ? 128 : 32;
    const prefix = bits === undefined ? max : Number(bits);
    if (!version || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new NetworkListError(`WEBHOOK_ALLOWED_NETWORKS: "${entry}" is not an address or a CIDR`);
    }
    list.addSubnet(address, prefix, version === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:127.0.0.1`), or null. */
function mappedV4(address: string): string | null {
  const m = /^::ffff:(?:0:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (m) return m[1];
  const hex = /^::ffff:(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an address may not be sent to, or null when it may. */
export function refusedAddress(address: string, allowed: BlockList): string | null {
  const version = isIP(address);
  if (!version) return `${address} is not an IP address`;
  const v4 = version === 6 ? mappedV4(address) : address;
  const [addr, family] = v4 ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
  if (allowed.check(addr, family)) return null;
  if (refused.check(addr, family)) return `${address} is a private, loopback, link-local or reserved address (WEBHOOK_ALLOWED_NETWORKS lets chosen networks through)`;
  return null;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The checks made when a webhook is saved (its address is checked again on every attempt). */
export function checkWebhookUrl(raw: unknown, allowed: BlockList): UrlCheck {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'url must be an http or https URL' };
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, reason: `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'url must be an http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'url must be an http or https URL' };
  if (url.username || url.password) return { ok: false, reason: 'url must not carry a user name or password (receivers check the signature instead)' };
  if (url.hash) return { ok: false, reason: 'url must not have a #fragment' };
  const host = hostOf(url);
  if (isIP(host)) {
    const why = refusedAddress(host, allowed);
    if (why) return { ok: false, reason: why };
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    // Resolves to loopback on every system; said now rather than at the first attempt.
    const why = refusedAddress('127.0.0.1', allowed);
    if (why) return { ok: false, reason: why };
  }
  return { ok: true, url };
}

/** The host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
