/**
 * Which open change-log entries to checkpoint at one tick, pure. Every grown entry is rewritten
 * about once per CHECKPOINT_INTERVAL_MS (what a SIGKILL can lose of the log), but spread over the
 * ticks of that interval instead of all at once: a whole server's open entries rewritten in one
 * turn (an INSERT of every row, each carrying its burst's text so far) held the event loop for
 * 6–47 ms every second at 1,000 updates/s, and every update arriving then waited for it
 * (docs/benchmarks.md, "Capacity under real load", 2026-12-04).
 */

/** An open entry's checkpoint is at most about this old. */
export const CHECKPOINT_INTERVAL_MS = 1_000;
/** The change log ticks this many times per interval; each tick takes its share of the entries. */
export const TICKS_PER_INTERVAL = 4;
export const CHECKPOINT_TICK_MS = CHECKPOINT_INTERVAL_MS / TICKS_PER_INTERVAL;

export interface CheckpointCandidate {
  id: string;
  /** When it was last checkpointed, or when it started if never. */
  since: number;
}

/**
 * The candidates (entries that grew since their last checkpoint) to write now: the longest
 * waiting first, a 1/TICKS_PER_INTERVAL share of them per tick (so each is written about once per
 * interval however many there are and however they started), and none younger than a tick (an
 * entry that just started is not written at once). `all`: every candidate (shutdown).
 */
export function dueCheckpoints<C extends CheckpointCandidate>(candidates: readonly C[], now: number, all = false): C[] {
  if (all) return [...candidates];
  const waiting = candidates.filter((c) => now - c.since >= CHECKPOINT_TICK_MS).sort((a, b) => a.since - b.since);
  const share = Math.ceil(candidates.length / TICKS_PER_INTERVAL);
  // Anything overdue goes now whatever the share: the interval is the promise.
  let take = share;
  while (take < waiting.length && now - waiting[take].since >= CHECKPOINT_INTERVAL_MS) take++;
  return waiting.slice(0, take);
}
