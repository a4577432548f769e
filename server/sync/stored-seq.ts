/**
 * Which stored update-log rows a room has applied, so a catch-up asks Postgres for exactly the
 * rows it lacks ("rows after my sequence that I do not know", one indexed query).
 *
 * Row ids come from one sequence shared by every process and configuration, and a row becomes
 * visible when its INSERT commits, not when its id is drawn: a row with a lower id can appear
 * after a higher one was read. So a room keeps two things: `settled`, below which it holds every
 * row, and the ids it holds above that. An id moves below `settled` only after a catch-up that
 * ran at least SETTLE_MS after the id was first known, by which time every INSERT that drew a
 * lower id has committed (a commit is one INSERT statement: milliseconds, not seconds).
 */

/** How long an INSERT may stay uncommitted after drawing its id. The group committer's INSERT is
 * one statement of a few milliseconds; 3 s leaves room for a machine under heavy load. A row
 * committed later than that is still delivered by the bus; only if its publication is also lost
 * does it wait for the next full reload (see RoomCatchUp). */
export const SETTLE_MS = 3_000;

export class StoredSeq {
  /** Every row with an id at or below this is applied. */
  settled = 0;
  /** Ids above `settled` that are applied, with when each was first known (ms). */
  private readonly recent = new Map<number, number>();
  /** Version (fold count) of the snapshot last applied. */
  snapshotVersion = 0;
  /** Highest id applied. */
  max = 0;

  /**
   * @param soleWriter this process is the only one writing the configuration (no bus, no peers):
   *   what it knows is everything, so nothing is kept above the floor (no catch-up ever prunes it).
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly soleWriter = false,
  ) {}

  /** Records rows as applied (0 = an id the engine did not report: ignored, read again later). */
  know(ids: Iterable<number>): void {
    const t = this.now();
    for (const id of ids) {
      if (this.soleWriter) {
        if (id > this.max) this.max = this.settled = id;
        continue;
      }
      if (id <= this.settled || this.recent.has(id) || id === 0) continue;
      this.recent.set(id, t);
      if (id > this.max) this.max = id;
    }
  }

  /** Ids above `settled` already applied (a catch-up leaves them out). */
  known(): number[] {
    return [...this.recent.keys()];
  }

  /**
   * After a catch-up that started at `startedAt` and read every row above `settled` (and its
   * results were recorded with `know`): the highest id known SETTLE_MS before that start becomes
   * the new floor, and ids below it are forgotten.
   */
  settle(startedAt: number): void {
    let floor = this.settled;
    for (const [id, t] of this.recent) if (t <= startedAt - SETTLE_MS && id > floor) floor = id;
    if (floor === this.settled) return;
    this.settled = floor;
    for (const id of this.recent.keys()) if (id <= floor) this.recent.delete(id);
  }
}
