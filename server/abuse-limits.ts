/**
 * Per-person, per-address and per-share-link limits on connections, sync messages and REST
 * requests. In memory per process: behind a load balancer each process enforces them for what it
 * sees, which bounds the damage one client can do to any single process (the resource that runs
 * out). Addresses come from `request-trust/client-address.ts` (TRUST_PROXY), already reduced by
 * `addressKey`; values from `settings.ts`.
 */
import { FixedWindowLimiter } from './auth/rate-limit.ts';
import type { ServerLimits } from './settings.ts';

/** The limits this guard enforces; values and why in server/settings.ts. */
export type AbuseLimits = Pick<
  ServerLimits,
  | 'connectionsPerUser'
  | 'connectionsPerAddress'
  | 'connectionsPerLink'
  | 'messagesPerSecond'
  | 'messageBurst'
  | 'linkMessagesPerSecond'
  | 'linkMessageBurst'
  | 'requestsPerMinute'
  | 'requestsPerMinutePerAddress'
>;

/** Who a sync connection counts against. A guest on a share link is one "person" per link and
 * address (guest ids are made up per connection, so they cannot be the key), and everything a
 * link opens also counts against the link. */
export interface ConnectionKeys {
  person: string;
  /** Already reduced by `addressKey` (an IPv6 /64 counts as one address). */
  address: string;
  link?: string;
}

export type ConnectionRefusal = 'person' | 'address' | 'link';

/** A granted connection: its message allowance and the release of its slots. */
export interface ConnectionQuota {
  /** One sync message: false when the person or the link is over its rate. */
  message(): boolean;
  release(): void;
}

/** Token bucket: `rate` tokens per second, holding at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.last = performance.now();
  }
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Slots {
  free(person: string, address: string, link: string | null): void;
}

/** A granted connection's quota. A class, not a pair of closures: a reconnect storm makes
 * thousands within a second, and closures per socket were a visible share of admission's CPU. */
class HeldQuota implements ConnectionQuota {
  private released = false;
  constructor(
    private readonly slots: Slots,
    private readonly person: string,
    private readonly address: string,
    private readonly link: string | null,
    private readonly personBucket: TokenBucket,
    private readonly linkBucket: TokenBucket | null,
  ) {}

  message(): boolean {
    return this.personBucket.take() && (this.linkBucket?.take() ?? true);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.slots.free(this.person, this.address, this.link);
  }
}

export function createAbuseGuard(limits: AbuseLimits) {
  const connections = new Map<string, number>();
  const buckets = new Map<string, { bucket: TokenBucket; holders: number }>();
  const perUser = new FixedWindowLimiter(limits.requestsPerMinute, 60_000);
  const perAddress = new FixedWindowLimiter(limits.requestsPerMinutePerAddress, 60_000);
  const count = (key: string, delta: number) => {
    const n = (connections.get(key) ?? 0) + delta;
    if (n <= 0) connections.delete(key);
    else connections.set(key, n);
  };
  /** A shared bucket per key, alive while a connection holds it. */
  const holdBucket = (key: string, rate: number, burst: number): TokenBucket => {
    let entry = buckets.get(key);
    if (!entry) buckets.set(key, (entry = { bucket: new TokenBucket(rate, burst), holders: 0 }));
    entry.holders += 1;
    return entry.bucket;
  };
  const dropBucket = (key: string) => {
    const e = buckets.get(key);
    if (e && --e.holders === 0) buckets.delete(key);
  };

  const slots: Slots = {
    free(person, address, link) {
      count(person, -1);
      count(address, -1);
      dropBucket(person);
      if (link) {
        count(link, -1);
        dropBucket(link);
      }
    },
  };

  return {
    /** Reserves the connection's slots, or says which limit refused it. */
    openConnection(keys: ConnectionKeys): { ok: true; quota: ConnectionQuota } | { ok: false; refused: ConnectionRefusal } {
      const person = `u:${keys.person}`;
      const address = `a:${keys.address}`;
      const link = keys.link ? `l:${keys.link}` : null;
      if ((connections.get(person) ?? 0) >= limits.connectionsPerUser) return { ok: false, refused: 'person' };
      if ((connections.get(address) ?? 0) >= limits.connectionsPerAddress) return { ok: false, refused: 'address' };
      if (link && (connections.get(link) ?? 0) >= limits.connectionsPerLink) return { ok: false, refused: 'link' };
      count(person, 1);
      count(address, 1);
      if (link) count(link, 1);
      const personBucket = holdBucket(person, limits.messagesPerSecond, limits.messageBurst);
      const linkBucket = link ? holdBucket(link, limits.linkMessagesPerSecond, limits.linkMessageBurst) : null;
      return { ok: true, quota: new HeldQuota(slots, person, address, link, personBucket, linkBucket) };
    },
    /** One REST request: the seconds to wait, or 0 when allowed. */
    request(userKey: string | null, address: string): number {
      const checks = [perAddress.check(address), ...(userKey ? [perUser.check(userKey)] : [])];
      const refused = checks.find((d) => !d.allowed);
      if (refused) return refused.retryAfterS;
      perAddress.hit(address);
      if (userKey) perUser.hit(userKey);
      return 0;
    },
  };
}

export type AbuseGuard = ReturnType<typeof createAbuseGuard>;
