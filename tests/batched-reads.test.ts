/**
 * Reads asked for together go to Postgres together (server/db/batched-reads.ts): what a reconnect
 * storm's sessions, roles and room loads rely on. The reader is a plain function of its two
 * reads, tested here with reads that record what they were asked.
 */
import { describe, expect, it } from 'vitest';
import { createBatchedRead } from '../server/db/batched-reads.ts';

/** Reads that answer `key * 10`, record each call, and hold `readMany` until released. */
function reads() {
  const calls: Array<{ one?: number; many?: number[] }> = [];
  const held: Array<() => void> = [];
  return {
    calls,
    releaseAll: () => held.splice(0).forEach((go) => go()),
    readOne: async (key: number) => {
      calls.push({ one: key });
      return key * 10;
    },
    readMany: (keys: number[]) => {
      calls.push({ many: keys });
      return new Promise<number[]>((resolve) => held.push(() => resolve(keys.map((k) => k * 10))));
    },
  };
}

describe('batched reads', () => {
  it('asks once for every key asked for in one turn, and a lone key alone', async () => {
    const r = reads();
    const read = createBatchedRead({ ...r, maxBatch: 100, maxInFlight: 2 });
    const answers = Promise.all([1, 2, 3].map(read));
    await new Promise((resolve) => setImmediate(resolve));
    r.releaseAll();
    expect(await answers).toEqual([10, 20, 30]);
    expect(await read(4)).toBe(40);
    expect(r.calls).toEqual([{ many: [1, 2, 3] }, { one: 4 }]);
  });

  it('splits at the batch size, and keys asked for while the reads are out wait for the next batch', async () => {
    const r = reads();
    const read = createBatchedRead({ ...r, maxBatch: 2, maxInFlight: 2 });
    const first = Promise.all([1, 2, 3, 4, 5].map(read));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.calls).toEqual([{ many: [1, 2] }, { many: [3, 4] }]);
    const later = Promise.all([6, 7].map(read));
    r.releaseAll();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    r.releaseAll();
    expect(await first).toEqual([10, 20, 30, 40, 50]);
    expect(await later).toEqual([60, 70]);
    expect(r.calls.slice(2)).toEqual([{ many: [5, 6] }, { one: 7 }]);
  });

  it('fails every key of a failed read, and the next read goes ahead', async () => {
    let fail = true;
    const read = createBatchedRead<number, number>({
      readOne: async (k) => k,
      readMany: async (keys) => {
        if (fail) throw new Error('postgres is away');
        return keys;
      },
      maxBatch: 10,
      maxInFlight: 1,
    });
    const outcomes = await Promise.allSettled([1, 2].map(read));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await Promise.all([3, 4].map(read))).toEqual([3, 4]);
  });
});
