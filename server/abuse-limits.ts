/**
 * Per-user and per-address limits on connections, sync messages and REST requests. In memory per
 * process: behind a load balancer each process enforces them for what it sees, which bounds the
 * damage one client can do to any single process (the resource that runs out).
 */
import { FixedWindowLimiter } from './auth/rate-limit.ts';

export const AbuseLimits = {
  /** A person with a dozen tabs and a script or two; past this it is a runaway client. */
  connectionsPerUser: 50,
  /** An office or campus behind one NAT address. */
  connectionsPerAddress: 200,
  /** Sync messages per second per person, sustained; typing and cursor moves stay far below. */
  messagesPerSecond: 200,
  /** Burst on top: a reconnect replays queued edits and awareness at once. */
  messageBurst: 400,
  /** REST requests per minute per person (and five times that per address). */
  requestsPerMinute: 600,
} as const;

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

export function createAbuseGuard() {
  const connections = new Map<string, number>();
  const buckets = new Map<string, { bucket: TokenBucket; holders: number }>();
  const perUser = new FixedWindowLimiter(AbuseLimits.requestsPerMinute, 60_000);
  const perAddress = new FixedWindowLimiter(AbuseLimits.requestsPerMinute * 5, 60_000);
  const count = (key: string, delta: number) => {
    const n = (connections.get(key) ?? 0) + delta;
    if (n <= 0) connections.delete(key);
    else connections.set(key, n);
  };

  return {
    /** Reserves a connection slot; returns a release function, or null when over a limit. */
    openConnection(userKey: string, address: string): (() => void) | null {
      if ((connections.get(`u:${userKey}`) ?? 0) >= AbuseLimits.connectionsPerUser) return null;
      if ((connections.get(`a:${address}`) ?? 0) >= AbuseLimits.connectionsPerAddress) return null;
      count(`u:${userKey}`, 1);
      count(`a:${address}`, 1);
      let entry = buckets.get(userKey);
      if (!entry) buckets.set(userKey, (entry = { bucket: new TokenBucket(AbuseLimits.messagesPerSecond, AbuseLimits.messageBurst), holders: 0 }));
      entry.holders += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        count(`u:${userKey}`, -1);
        count(`a:${address}`, -1);
        const e = buckets.get(userKey);
        if (e && --e.holders === 0) buckets.delete(userKey);
      };
    },
    /** One sync message from `userKey`: false when over the rate. */
    message(userKey: string): boolean {
      return buckets.get(userKey)?.bucket.take() ?? true;
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
