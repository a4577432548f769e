/**
 * What a room asks Postgres for when it catches up: rows above its settled floor that it does not
 * hold. Ids move below the floor only SETTLE_MS after they were learnt, because a row with a lower
 * id may still be committing when a higher one is already visible.
 */
import { describe, expect, it } from 'vitest';
import { SETTLE_MS, StoredSeq } from '../server/sync/stored-seq.ts';

describe('stored row tracking', () => {
  it('keeps asking for rows below a fresh id until it has settled, then forgets what it holds below the floor', () => {
    let now = 1_000_000;
    const seq = new StoredSeq(() => now);
    seq.know([10, 12, 0]);
    expect(seq.max).toBe(12);
    expect(seq.known().sort((a, b) => a - b)).toEqual([10, 12]);
    // A catch-up right away cannot settle: row 11 may still be committing.
    seq.settle(now);
    expect(seq.settled).toBe(0);
    now += SETTLE_MS;
    seq.know([15]);
    seq.settle(now);
    expect(seq.settled).toBe(12);
    expect(seq.known()).toEqual([15]);
    // Ids at or below the floor are never asked about again.
    seq.know([11]);
    expect(seq.known()).toEqual([15]);
  });

  it('keeps nothing above the floor for a process that writes alone (no catch-up would prune it)', () => {
    const seq = new StoredSeq(Date.now, true);
    for (let id = 1; id <= 10_000; id++) seq.know([id]);
    expect(seq.known()).toEqual([]);
    expect(seq.settled).toBe(10_000);
  });
});
