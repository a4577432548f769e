/**
 * Compactions queue for a few slots (server/sync/compaction-slots.ts): never more at once than the
 * limit, all of them run in the order asked, and a failed one gives its slot back.
 */
import { describe, expect, it } from 'vitest';
import { CompactionSlots } from '../server/sync/compaction-slots.ts';

describe('CompactionSlots', () => {
  it('runs at most the limit at once, in order, and frees the slot of a failure', async () => {
    const slots = new CompactionSlots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const work = (n: number) => () =>
      new Promise<number>((resolve, reject) => {
        running++;
        most = Math.max(most, running);
        order.push(n);
        releases.push(() => {
          running--;
          if (n === 1) reject(new Error('compaction failed'));
          else resolve(n);
        });
      });
    const results = [1, 2, 3, 4, 5].map((n) => slots.run(work(n)).catch((e: Error) => e.message));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([1, 2]);
    expect(slots.queued).toBe(3);
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(results)).toEqual(['compaction failed', 2, 3, 4, 5]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(slots.queued).toBe(0);
  });
});
