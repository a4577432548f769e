/**
 * The verdicts `npm run bench:sync` prints (and exits non-zero on), judged on made-up figures:
 * each of issue 16's targets is MET exactly up to its bound and MISSED past it.
 */
import { describe, expect, it } from 'vitest';
import type { CommitFloor } from '../bench/commit-floor.ts';
import type { FanoutResult, IdleResult, Result, StormResult } from '../bench/report.ts';
import { judge, verdictLine } from '../bench/verdicts.ts';

const floor: CommitFloor = { inserts: 1000, p50: 1, p95: 2, p99: 3, max: 5, synchronousCommit: 'on' };

function fanout(key: string, figures: Partial<FanoutResult>): FanoutResult {
  return {
    kind: 'fanout', target: key, key, round: 0, p50: 2, p95: 5, p99: 10, max: 20, samples: 1000, crossP50: NaN, crossP99: NaN, crossShare: NaN,
    echoes: 0, storedTwice: null, deliveredRatio: 1, sentPerS: 1000, synced: 1000, clients: 1000, unexpectedCloses: 0, duplicates: 0,
    cpuPercent: 40, rssEndMb: 100, rssPeakMb: 120, pgCpuPercent: null, busCpuPercent: null, loopP50Ms: 1, loopP99Ms: 5, loopMaxMs: 9,
    gcCount: 10, gcMs: 20, processes: [], genCpuPercent: 50, genLoopP99Ms: 2, otherCpuPercent: 0,
    ...figures,
  };
}

function storm(key: string, figures: Partial<StormResult>): StormResult {
  return { kind: 'storm', target: key, key, round: 0, clients: 100, synced: 100, failed: 0, restartS: 1, syncS: 5, cpuS: 2, pgCpuS: null, cpuMsPerConn: 1, rssPeakMb: 200, errors: [], processes: [], ...figures };
}

function idle(key: string, figures: Partial<IdleResult>): IdleResult {
  return {
    kind: 'idle', target: key, key, round: 0, connections: 15000, synced: 15000, failed: 0, connectS: 10, connectCpuS: 10, pgConnectCpuS: null,
    cpuMsPerConn: 0.7, rssBaseMb: 80, rssPeakMb: 300, rssRestMb: 300, kbPerConnection: 15, heapBaseMb: 10, heapRestMb: 100, heapTotalRestMb: 120,
    externalRestMb: 5, errors: [], processes: [], ...figures,
  };
}

const verdicts = (scenario: Parameters<typeof judge>[0], results: Result[], f: CommitFloor | null = floor) =>
  judge(scenario, results, f).map((v) => ({ target: v.target, met: v.met }));

describe('bench:sync verdicts', () => {
  const hp = fanout('hocuspocus', { p50: 2, p99: 10, cpuPercent: 40 });

  it('a load scenario meets its targets exactly at the bounds: the peer plus the commit floor, 1.2 × its CPU counting Postgres, all delivered', () => {
    const atBounds = fanout('boardroom', { p50: 3, p99: 13, cpuPercent: 38, pgCpuPercent: 10, deliveredRatio: 1 });
    expect(verdicts('load1k', [atBounds, hp]).every((v) => v.met)).toBe(true);
    expect(verdicts('load2k', [atBounds, hp])).toHaveLength(4);
  });

  it('each load target is missed on its own figure, and Postgres backends count as server CPU', () => {
    const over = (f: Partial<FanoutResult>) => verdicts('load1k', [fanout('boardroom', { p50: 3, p99: 13, cpuPercent: 38, pgCpuPercent: 10, ...f }), hp]);
    expect(over({ p99: 13.1 }).filter((v) => !v.met).map((v) => v.target)).toEqual(['p99 ≤ hocuspocus p99 + commit floor p99']);
    expect(over({ p50: 3.1 }).filter((v) => !v.met).map((v) => v.target)).toEqual(['p50 ≤ hocuspocus p50 + commit floor p50']);
    // 38 % alone is below 1.2 × 40 = 48 %; with its backends' 11 % it is above.
    expect(over({ pgCpuPercent: 11 }).filter((v) => !v.met).map((v) => v.target)).toEqual(['server CPU (boardroom + its Postgres backends) ≤ 1.2 × hocuspocus']);
    expect(over({ deliveredRatio: 0.9999 }).filter((v) => !v.met).map((v) => v.target)).toEqual(['delivered 100 %']);
  });

  it('without a commit floor the latency targets cannot be met', () => {
    const v = verdicts('load1k', [fanout('boardroom', { p50: 0.1, p99: 0.1, cpuPercent: 1 }), hp], null);
    expect(v.filter((x) => !x.met).map((x) => x.target)).toEqual(['p99 ≤ hocuspocus p99 + commit floor p99', 'p50 ≤ hocuspocus p50 + commit floor p50']);
  });

  it('hot rooms: p99 at most the peer’s, no floor added', () => {
    expect(verdicts('hot', [fanout('boardroom', { p99: 10 }), hp])).toEqual([{ target: 'hot rooms: p99 ≤ hocuspocus p99', met: true }]);
    expect(verdicts('hot', [fanout('boardroom', { p99: 10.5 }), hp])[0].met).toBe(false);
  });

  it('the reconnect storm: all synced again, in no more time than the peer', () => {
    expect(verdicts('storm', [storm('boardroom', { syncS: 5 }), storm('hocuspocus', { syncS: 5 })])[0].met).toBe(true);
    expect(verdicts('storm', [storm('boardroom', { syncS: 5.1 }), storm('hocuspocus', { syncS: 5 })])[0].met).toBe(false);
    expect(verdicts('storm', [storm('boardroom', { syncS: 1, synced: 99 }), storm('hocuspocus', { syncS: 5 })])[0].met).toBe(false);
  });

  it('idle connections: RSS at rest at most 0.8 × the peer’s, all synced', () => {
    expect(verdicts('idle', [idle('boardroom', { rssRestMb: 240 }), idle('hocuspocus', { rssRestMb: 300 })])[0].met).toBe(true);
    expect(verdicts('idle', [idle('boardroom', { rssRestMb: 241 }), idle('hocuspocus', { rssRestMb: 300 })])[0].met).toBe(false);
    expect(verdicts('idle', [idle('boardroom', { rssRestMb: 100, synced: 14999 }), idle('hocuspocus', { rssRestMb: 300 })])[0].met).toBe(false);
  });

  it('nothing is judged without both rows, and each verdict prints MET or MISSED with its figures', () => {
    expect(judge('load1k', [hp], floor)).toEqual([]);
    const [line] = judge('hot', [fanout('boardroom', { p99: 12 }), hp], floor).map(verdictLine);
    expect(line).toBe('MISSED: hot rooms: p99 ≤ hocuspocus p99 — 12.0 ms vs 10.0 ms');
  });
});
