/**
 * The change log's checkpoints are spread over the ticks of a second instead of all rewritten in
 * one turn (which held the event loop for 6–47 ms every second under load), and still every grown
 * entry is checkpointed about once a second: what a SIGKILL can lose of the log.
 */
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_INTERVAL_MS, CHECKPOINT_TICK_MS, dueCheckpoints, TICKS_PER_INTERVAL } from '../server/history/checkpoint-schedule.ts';

interface Entry {
  id: string;
  since: number;
}

/** Runs the schedule over `ticks` ticks with every entry growing all the time; returns the ids
 * written at each tick and each entry's checkpoint times. */
function simulate(entries: Entry[], ticks: number, start: number) {
  const perTick: string[][] = [];
  const times = new Map<string, number[]>(entries.map((e) => [e.id, []]));
  for (let t = 1; t <= ticks; t++) {
    const now = start + t * CHECKPOINT_TICK_MS;
    const due = dueCheckpoints(entries, now);
    perTick.push(due.map((e) => e.id));
    for (const e of due) {
      e.since = now;
      times.get(e.id)!.push(now);
    }
  }
  return { perTick, times };
}

describe('change-log checkpoint schedule', () => {
  it('spreads entries that all started together over the ticks of a second', () => {
    const start = 1_000_000;
    const entries = Array.from({ length: 40 }, (_, i) => ({ id: `e${i}`, since: start }));
    const { perTick } = simulate(entries, TICKS_PER_INTERVAL * 5, start);
    // No tick writes more than its share (plus what became overdue), and after the first second
    // every tick writes about a quarter of them rather than all 40 at once.
    for (const written of perTick.slice(TICKS_PER_INTERVAL)) expect(written.length).toBeLessThanOrEqual(40 / TICKS_PER_INTERVAL + 1);
    expect(Math.max(...perTick.map((w) => w.length))).toBeLessThan(40);
  });

  it('checkpoints every growing entry about once a second', () => {
    const start = 2_000_000;
    const entries = Array.from({ length: 37 }, (_, i) => ({ id: `e${i}`, since: start + (i % 3) * 40 }));
    const { times } = simulate(entries, TICKS_PER_INTERVAL * 8, start);
    for (const [id, at] of times) {
      const since = start + (Number(id.slice(1)) % 3) * 40;
      // The first checkpoint comes within the interval and a tick of the entry's start, and no
      // two are further apart than that.
      expect(at[0] - since, id).toBeLessThanOrEqual(CHECKPOINT_INTERVAL_MS + CHECKPOINT_TICK_MS);
      for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1], id).toBeLessThanOrEqual(CHECKPOINT_INTERVAL_MS + CHECKPOINT_TICK_MS);
      expect(at.length, id).toBeGreaterThanOrEqual(7);
    }
  });

  it('does not write an entry that started less than a tick ago, and writes everything at shutdown', () => {
    const now = 3_000_000;
    const young = [{ id: 'young', since: now - 10 }];
    expect(dueCheckpoints(young, now)).toEqual([]);
    expect(dueCheckpoints(young, now, true).map((e) => e.id)).toEqual(['young']);
  });

  it('writes the longest waiting first', () => {
    const now = 4_000_000;
    const entries = [
      { id: 'recent', since: now - 300 },
      { id: 'oldest', since: now - 900 },
      { id: 'middle', since: now - 600 },
      { id: 'other', since: now - 400 },
    ];
    // A share of 1 of 4 entries per tick: the one that waited longest.
    expect(dueCheckpoints(entries, now).map((e) => e.id)).toEqual(['oldest']);
  });
});
