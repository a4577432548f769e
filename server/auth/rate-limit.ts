/**
 * A small fixed-window limiter, in memory per process. Enough for sign-in attempts: an attacker
 * spread over many processes still gets at most (processes × limit) guesses per window.
 */
export interface LimitDecision {
  allowed: boolean;
  retryAfterS: number;
}

/** Entries are dropped lazily; this bounds memory under a flood of distinct keys. */
const MAX_TRACKED_KEYS = 100_000;

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Would one more hit on `key` be allowed? Does not count it. */
  check(key: string, now = Date.now()): LimitDecision {
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) return { allowed: true, retryAfterS: 0 };
    return w.count < this.limit ? { allowed: true, retryAfterS: 0 } : { allowed: false, retryAfterS: Math.ceil((w.resetAt - now) / 1000) };
  }

  hit(key: string, now = Date.now()): void {
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= MAX_TRACKED_KEYS) this.prune(now);
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
    } else {
      w.count += 1;
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    if (this.windows.size >= MAX_TRACKED_KEYS) this.windows.clear();
  }
}
