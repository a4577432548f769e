/**
 * The targets of `bench:sync`, judged on one run's figures (the medians when there are rounds):
 * each is MET or MISSED, and `npm run bench:sync` exits non-zero when any is MISSED.
 *
 * Issue 16's targets, Boardroom against Hocuspocus in the same run:
 * - load1k, load2k: p99 ≤ Hocuspocus' p99 + the commit floor's p99; p50 ≤ Hocuspocus' p50 + the
 *   floor's p50; server CPU (Boardroom's process plus its Postgres backends) ≤ 1.2 × Hocuspocus';
 *   every update delivered.
 * - hot: p99 ≤ Hocuspocus' p99.
 * - storm: every client synced again, in no more time than Hocuspocus takes.
 * - idle: every connection synced, RSS at rest ≤ 0.8 × Hocuspocus'.
 * The everyday fan-out scenario keeps its own: p99 below Hocuspocus' with every update delivered.
 */
import type { CommitFloor } from './commit-floor.ts';
import type { ScenarioName } from './options.ts';
import type { FanoutResult, IdleResult, Result, StormResult } from './report.ts';

/** Server CPU may be this many times Hocuspocus' at the capacity loads. */
export const CPU_RATIO_TARGET = 1.2;
/** RSS at rest of 15,000 idle connections may be this share of Hocuspocus'. */
export const IDLE_RSS_RATIO_TARGET = 0.8;
/** "Delivered 100 %": every expected receipt seen. */
const ALL_DELIVERED = 1;

export interface Verdict {
  target: string;
  met: boolean;
  /** The figures it was judged on. */
  detail: string;
}

export const verdictLine = (v: Verdict): string => `${v.met ? 'MET' : 'MISSED'}: ${v.target} — ${v.detail}`;

const ms = (n: number) => `${n.toFixed(1)} ms`;
const pct = (n: number) => `${n.toFixed(0)} %`;

/** Boardroom's server CPU: its processes plus the Postgres backends that serve them. */
export const serverCpu = (r: FanoutResult): number => r.cpuPercent + (r.pgCpuPercent ?? 0);

function loadVerdicts(ours: FanoutResult, theirs: FanoutResult, floor: CommitFloor | null): Verdict[] {
  const noFloor = 'commit floor not measured: cannot judge';
  const cpuOurs = serverCpu(ours);
  return [
    floor
      ? {
          target: 'p99 ≤ hocuspocus p99 + commit floor p99',
          met: ours.p99 <= theirs.p99 + floor.p99,
          detail: `${ms(ours.p99)} vs ${ms(theirs.p99)} + ${ms(floor.p99)} = ${ms(theirs.p99 + floor.p99)}`,
        }
      : { target: 'p99 ≤ hocuspocus p99 + commit floor p99', met: false, detail: noFloor },
    floor
      ? {
          target: 'p50 ≤ hocuspocus p50 + commit floor p50',
          met: ours.p50 <= theirs.p50 + floor.p50,
          detail: `${ms(ours.p50)} vs ${ms(theirs.p50)} + ${ms(floor.p50)} = ${ms(theirs.p50 + floor.p50)}`,
        }
      : { target: 'p50 ≤ hocuspocus p50 + commit floor p50', met: false, detail: noFloor },
    {
      target: `server CPU (boardroom + its Postgres backends) ≤ ${CPU_RATIO_TARGET} × hocuspocus`,
      met: cpuOurs <= CPU_RATIO_TARGET * theirs.cpuPercent,
      detail:
        `${pct(cpuOurs)} (${pct(ours.cpuPercent)} + Postgres ${pct(ours.pgCpuPercent ?? 0)}) vs ` +
        `${CPU_RATIO_TARGET} × ${pct(theirs.cpuPercent)} = ${pct(CPU_RATIO_TARGET * theirs.cpuPercent)}`,
    },
    {
      target: 'delivered 100 %',
      met: ours.deliveredRatio >= ALL_DELIVERED,
      detail: `${(ours.deliveredRatio * 100).toFixed(2)} %`,
    },
  ];
}

function stormVerdicts(ours: StormResult, theirs: StormResult): Verdict[] {
  const all = ours.synced === ours.clients && theirs.synced === theirs.clients;
  return [
    {
      target: 'reconnect storm: all synced in no more time than hocuspocus',
      met: all && ours.syncS <= theirs.syncS,
      detail:
        `${ours.synced}/${ours.clients} in ${ours.syncS.toFixed(1)} s vs ${theirs.synced}/${theirs.clients} in ${theirs.syncS.toFixed(1)} s; ` +
        `admission CPU ${ours.cpuMsPerConn.toFixed(2)} vs ${theirs.cpuMsPerConn.toFixed(2)} ms per connection`,
    },
  ];
}

function idleVerdicts(ours: IdleResult, theirs: IdleResult): Verdict[] {
  return [
    {
      target: `idle: all synced, RSS at rest ≤ ${IDLE_RSS_RATIO_TARGET} × hocuspocus`,
      met: ours.synced === ours.connections && ours.rssRestMb <= IDLE_RSS_RATIO_TARGET * theirs.rssRestMb,
      detail:
        `${ours.synced}/${ours.connections} synced, ${ours.rssRestMb.toFixed(0)} MB vs ` +
        `${IDLE_RSS_RATIO_TARGET} × ${theirs.rssRestMb.toFixed(0)} = ${(IDLE_RSS_RATIO_TARGET * theirs.rssRestMb).toFixed(0)} MB`,
    },
  ];
}

/** The targets of `scenario`, judged on Boardroom's row against Hocuspocus' row (empty when one of
 * them did not run: nothing to compare). */
export function judge(scenario: ScenarioName, results: Result[], floor: CommitFloor | null): Verdict[] {
  const ours = results.find((r) => r.key === 'boardroom');
  const theirs = results.find((r) => r.key === 'hocuspocus');
  if (!ours || !theirs || ours.kind !== theirs.kind) return [];
  switch (scenario) {
    case 'load1k':
    case 'load2k':
      return ours.kind === 'fanout' ? loadVerdicts(ours, theirs as FanoutResult, floor) : [];
    case 'hot':
      return ours.kind === 'fanout'
        ? [{ target: 'hot rooms: p99 ≤ hocuspocus p99', met: ours.p99 <= (theirs as FanoutResult).p99, detail: `${ms(ours.p99)} vs ${ms((theirs as FanoutResult).p99)}` }]
        : [];
    case 'fanout':
      return ours.kind === 'fanout'
        ? [
            {
              target: "p99 below hocuspocus' while persisting every update, all delivered",
              met: ours.p99 < (theirs as FanoutResult).p99 && ours.deliveredRatio >= 0.999,
              detail: `${ms(ours.p99)} vs ${ms((theirs as FanoutResult).p99)}, delivered ${(ours.deliveredRatio * 100).toFixed(2)} %`,
            },
          ]
        : [];
    case 'storm':
      return ours.kind === 'storm' ? stormVerdicts(ours, theirs as StormResult) : [];
    case 'idle':
      return ours.kind === 'idle' ? idleVerdicts(ours, theirs as IdleResult) : [];
    case 'room':
      return [];
  }
}
