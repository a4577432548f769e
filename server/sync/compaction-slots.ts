/**
 * Compactions of one process run a few at a time (docs/architecture.md, "Durability", storage).
 * Rooms edited at the same rate reach the compaction threshold in the same second; each compaction
 * reads its log, merges it on the event loop, writes a snapshot and deletes the rows, and fifty of
 * them at once held up the group commit of every room behind them (a 110–145 ms stall of the
 * fan-out in the capacity bench). Queued, they cost the same and nobody waits for them.
 */

/** Compactions running at once in one process. */
export const MAX_CONCURRENT_COMPACTIONS = 2;

export class CompactionSlots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max = MAX_CONCURRENT_COMPACTIONS) {}

  /** Runs `work` once a slot is free; the slot is given back however `work` ends. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line (running stays counted), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Compactions waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }
}
