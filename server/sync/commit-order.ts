/**
 * A room's count of changes applied in memory and changes durable, and what waits for the second
 * to catch up with the first: "saved" acknowledgements, freezes, REST writes, sync step 2 replies.
 * The group committer acknowledges in order, so one number says how far durability has come.
 */
export class CommitOrder {
  /** Changes applied to the live document so far. */
  private applied = 0;
  /** Changes durable so far (never above `applied`). */
  private committed = 0;
  private waiters: Array<{ seq: number; run: () => void }> = [];

  /** Counts `n` more applied changes; returns the sequence number of the last. */
  apply(n: number): number {
    return (this.applied += n);
  }

  /** Everything up to `seq` is durable. Waiters run only at `runDue` (the room fans out first). */
  settle(seq: number): void {
    this.committed = seq;
  }

  /** Changes applied and not yet durable. */
  get unsaved(): number {
    return this.applied - this.committed;
  }

  /** Runs `run` once everything applied so far is durable (at once when it already is). */
  afterApplied(run: () => void): void {
    if (this.committed >= this.applied) run();
    else this.waiters.push({ seq: this.applied, run });
  }

  /** Resolves once everything applied so far is durable. */
  whenSaved(): Promise<void> {
    return new Promise((resolve) => this.afterApplied(resolve));
  }

  /** Runs the waiters whose changes are now durable, in the order they waited. */
  runDue(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= this.committed);
    this.waiters = this.waiters.filter((w) => w.seq > this.committed);
    for (const w of ready) w.run();
  }
}
