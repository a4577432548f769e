/**
 * Sign-in throttling that a stranger cannot turn against a user. Failures count per
 * (email, client address): after a few free ones each further attempt from that pair waits a
 * delay that doubles up to a cap. There is no account lock: wrong passwords typed for you
 * from elsewhere slow down only that elsewhere, and you still sign in from your own address.
 * A per-address ceiling on failures (any email) stops one address spraying passwords over many
 * accounts. In memory per process, like the other limits (server/abuse-limits.ts).
 */
import type { ServerLimits } from '../settings.ts';
import { FixedWindowLimiter, type LimitDecision } from './rate-limit.ts';

/** Past this many tracked (email, address) pairs, expired ones are dropped, then all: memory
 * stays bounded under a flood of made-up emails (the per-address ceiling still holds). */
const MAX_TRACKED_PAIRS = 100_000;

type ThrottleLimits = Pick<ServerLimits, 'loginFreeFailures' | 'loginDelayBaseMs' | 'loginDelayMaxMs' | 'loginFailuresPerAddress' | 'loginWindowMs'>;

export interface LoginThrottle {
  /** May `email` try a password from `address` now? Does not count the attempt. */
  check(email: string, address: string): LimitDecision;
  failed(email: string, address: string): void;
  /** A correct password clears that pair's failures (not the address's ceiling). */
  succeeded(email: string, address: string): void;
}

/** The wait after `failures` consecutive failures of one pair. */
export function loginDelayMs(failures: number, limits: ThrottleLimits): number {
  if (failures < limits.loginFreeFailures) return 0;
  const doublings = failures - limits.loginFreeFailures;
  // 2^31 ms is already weeks: clamp the exponent so the number stays finite.
  return Math.min(limits.loginDelayMaxMs, limits.loginDelayBaseMs * 2 ** Math.min(doublings, 31));
}

export function createLoginThrottle(limits: ThrottleLimits, now: () => number = Date.now): LoginThrottle {
  const pairs = new Map<string, { failures: number; lastAt: number }>();
  const perAddress = new FixedWindowLimiter(limits.loginFailuresPerAddress, limits.loginWindowMs);
  // A pair is forgotten once its delay has long passed: a user back next day starts fresh.
  const memoryMs = Math.max(limits.loginDelayMaxMs, limits.loginWindowMs);
  const key = (email: string, address: string) => `${email}\n${address}`;

  const prune = (t: number) => {
    for (const [k, v] of pairs) if (t - v.lastAt > memoryMs) pairs.delete(k);
    if (pairs.size >= MAX_TRACKED_PAIRS) pairs.clear();
  };

  return {
    check(email, address) {
      const t = now();
      const byAddress = perAddress.check(address, t);
      if (!byAddress.allowed) return byAddress;
      const entry = pairs.get(key(email, address));
      if (!entry) return { allowed: true, retryAfterS: 0 };
      const readyAt = entry.lastAt + loginDelayMs(entry.failures, limits);
      return readyAt <= t ? { allowed: true, retryAfterS: 0 } : { allowed: false, retryAfterS: Math.ceil((readyAt - t) / 1000) };
    },
    failed(email, address) {
      const t = now();
      perAddress.hit(address, t);
      const k = key(email, address);
      const entry = pairs.get(k);
      if (entry && t - entry.lastAt <= memoryMs) {
        entry.failures += 1;
        entry.lastAt = t;
        return;
      }
      if (pairs.size >= MAX_TRACKED_PAIRS) prune(t);
      pairs.set(k, { failures: 1, lastAt: t });
    },
    succeeded(email, address) {
      pairs.delete(key(email, address));
    },
  };
}
