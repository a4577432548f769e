/**
 * `bench/cpuprofile-top.ts` ranks functions by self time, summing every call-tree node of a
 * function and weighing each sample by the time it stood for.
 */
import { describe, expect, it } from 'vitest';
import { selfTimes } from '../bench/cpuprofile-top.ts';

const frame = (functionName: string, url = 'file:///app/server/sync/room.ts', lineNumber = 9) => ({ functionName, url, lineNumber });

describe('cpuprofile self times', () => {
  it('sums a function over its nodes and weighs samples by their time', () => {
    const profile = {
      startTime: 0,
      endTime: 10_000,
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('encode') },
        { id: 3, callFrame: frame('commit', 'file:///app/server/sync/committer.ts', 0) },
        // `encode` again, reached through another caller: the same function.
        { id: 4, callFrame: frame('encode') },
      ],
      // Each delta is the time since the previous sample, so it is charged to the previous one.
      samples: [2, 3, 4, 2],
      timeDeltas: [0, 4_000, 1_000, 3_000],
    };
    const rows = selfTimes(profile, '/app');
    expect(rows.map((r) => [r.name, r.where, r.ms])).toEqual([
      ['encode', 'server/sync/room.ts:10', 7],
      ['commit', 'server/sync/committer.ts:1', 1],
    ]);
    expect(rows[0].share).toBeCloseTo(7 / 8);
  });
});
