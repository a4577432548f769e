/**
 * Figures of one scenario run against one target, and their tables (terminal and Markdown).
 */

/** Which target and round a row is: `key` is the target option, `round` 0 for a median or a
 * single-round run. */
export interface RowIdentity {
  target: string;
  key: string;
  round: number;
}

/** One server process of a multi-process target (CPU and RSS columns are their sums). */
export interface ProcessFigures {
  label: string;
  /** % of one core over the measured window (fan-out) or CPU seconds of the connect phase (idle). */
  cpu: number;
  rssMb: number;
  rssPeakMb: number;
}

export interface FanoutResult extends RowIdentity {
  kind: 'fanout';
  p50: number;
  p95: number;
  p99: number;
  max: number;
  samples: number;
  /** Receipts whose receiver is on another server process than the author: their percentiles and
   * their share of all receipts (NaN for a single-process target). */
  crossP50: number;
  crossP99: number;
  crossShare: number;
  /** Receipts of an update by its own author (normal for Hocuspocus and the reference server). */
  echoes: number;
  /** Update-log rows holding an update another row holds too (null: the target does not persist). */
  storedTwice: number | null;
  /** Receipts seen / receipts expected (each update once per other client of its room). */
  deliveredRatio: number;
  /** Updates actually sent per second in the window (the asked rate, unless the generator fell behind). */
  sentPerS: number;
  synced: number;
  clients: number;
  unexpectedCloses: number;
  duplicates: number;
  cpuPercent: number;
  rssEndMb: number;
  rssPeakMb: number;
  /** Postgres backends of the bench database (Boardroom only), % of one core. */
  pgCpuPercent: number | null;
  /** The server's event loop over the window (perf_hooks, bench/servers/runtime-stats.ts): delay
   * p50/p99/max in ms, and garbage collection: pauses and their total ms. NaN when not reported. */
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcCount: number;
  gcMs: number;
  /** The redis-server of the room bus (multi-process Boardroom only; it may serve other work too). */
  busCpuPercent: number | null;
  /** Per server process; CPU is % of one core over the window, RSS at its end. */
  processes: ProcessFigures[];
  genCpuPercent: number;
  genLoopP99Ms: number;
  /** Machine CPU in the window not used by the server, its Postgres backends or the generators
   * (other work on the machine, Postgres background writers, the bench itself), % of one core. */
  otherCpuPercent: number;
}

export interface IdleResult extends RowIdentity {
  kind: 'idle';
  connections: number;
  synced: number;
  failed: number;
  connectS: number;
  /** Server CPU time spent on the whole connect phase. */
  connectCpuS: number;
  /** CPU time of the target's Postgres backends in that phase (null: the target has none). */
  pgConnectCpuS: number | null;
  /** (server + Postgres backends) CPU of the connect phase per synced connection: admission. */
  cpuMsPerConn: number;
  rssBaseMb: number;
  rssPeakMb: number;
  rssRestMb: number;
  /** (RSS at rest - RSS before connecting) per synced connection. */
  kbPerConnection: number;
  /** JS heap in use after a full GC, before connecting and at rest (the rest of RSS is code,
   * native buffers and sockets). */
  heapBaseMb: number;
  heapRestMb: number;
  heapTotalRestMb: number;
  /** Buffers and other native memory tied to JS objects, at rest. */
  externalRestMb: number;
  errors: string[];
  /** Per server process; CPU is seconds of the connect phase, RSS at rest. */
  processes: ProcessFigures[];
}

/** The reconnect storm: after a server restart, every client connecting at once. */
export interface StormResult extends RowIdentity {
  kind: 'storm';
  clients: number;
  synced: number;
  failed: number;
  /** From SIGTERM of the old process(es) to the new one listening. */
  restartS: number;
  /** From the first reconnect to the last client synced. */
  syncS: number;
  /** Server CPU and its Postgres backends' over the reconnect, seconds. */
  cpuS: number;
  pgCpuS: number | null;
  /** Both per synced connection, ms: what admitting one connection costs. */
  cpuMsPerConn: number;
  rssPeakMb: number;
  errors: string[];
  processes: ProcessFigures[];
}

export type Result = FanoutResult | IdleResult | StormResult;

/** Per target, the median of every figure over rounds (each figure on its own, so the row is not
 * one real run). Targets keep their first-seen order. */
export function medians(results: Result[]): Result[] {
  const keys = [...new Set(results.map((r) => r.key))];
  return keys.map((key) => {
    const runs = results.filter((r) => r.key === key);
    const out: Record<string, unknown> = { ...runs[0], target: `${runs[0].target} (median of ${runs.length})` };
    for (const [k, v] of Object.entries(runs[0])) {
      if (typeof v !== 'number' || k === 'round') continue;
      out[k] = median(runs.map((r) => (r as unknown as Record<string, number>)[k]));
    }
    out.processes = runs[0].processes.map((p, i) => ({
      label: p.label,
      cpu: median(runs.map((r) => r.processes[i]?.cpu ?? NaN)),
      rssMb: median(runs.map((r) => r.processes[i]?.rssMb ?? NaN)),
      rssPeakMb: median(runs.map((r) => r.processes[i]?.rssPeakMb ?? NaN)),
    }));
    out.round = 0;
    return out as unknown as Result;
  });
}

function median(values: number[]): number {
  const xs = [...values].sort((a, b) => a - b);
  const m = xs.length / 2;
  return xs.length % 2 ? xs[Math.floor(m)] : (xs[m - 1] + xs[m]) / 2;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const mb = (bytes: number) => bytes / (1024 * 1024);

const label = (r: RowIdentity) => (r.round > 0 ? `${r.target} #${r.round}` : r.target);

const f = (n: number | null, digits = 1) => (n === null || Number.isNaN(n) ? '–' : n.toFixed(digits));

type Row = string[];

function fanoutRows(results: FanoutResult[]): { head: Row; rows: Row[] } {
  // The cross-process column only when a multi-process target is in the table.
  const cross = results.some((r) => !Number.isNaN(r.crossShare));
  const head = ['server', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'cross-process p50/p99 ms (share)', 'delivered', 'sent/s', 'CPU %', 'RSS end MB', 'RSS peak MB', 'pg CPU %', 'loop delay p99 ms', 'GC ms (pauses)', 'gen CPU %', 'other CPU %'];
  const rows = results.map((r) => [
    label(r),
    f(r.p50),
    f(r.p95),
    f(r.p99),
    f(r.max),
    Number.isNaN(r.crossShare) ? '–' : `${f(r.crossP50)}/${f(r.crossP99)} (${(r.crossShare * 100).toFixed(0)} %)`,
    `${(r.deliveredRatio * 100).toFixed(2)} %`,
    f(r.sentPerS),
    f(r.cpuPercent, 0),
    f(r.rssEndMb, 0),
    f(r.rssPeakMb, 0),
    f(r.pgCpuPercent, 0),
    f(r.loopP99Ms),
    `${f(r.gcMs, 0)} (${f(r.gcCount, 0)})`,
    f(r.genCpuPercent, 0),
    f(r.otherCpuPercent, 0),
  ]);
  const CROSS = 5;
  const keep = (row: Row) => (cross ? row : row.filter((_, i) => i !== CROSS));
  return { head: keep(head), rows: rows.map(keep) };
}

function idleRows(results: IdleResult[]): { head: Row; rows: Row[] } {
  return {
    head: ['server', 'synced', 'connect s', 'CPU s (connect)', 'pg CPU s', 'CPU ms/conn', 'RSS before MB', 'RSS peak MB', 'RSS at rest MB', 'KB/conn', 'heap before MB', 'heap at rest MB (used/committed)', 'external at rest MB'],
    rows: results.map((r) => [
      label(r),
      `${r.synced}/${r.connections}`,
      f(r.connectS),
      f(r.connectCpuS),
      f(r.pgConnectCpuS, 2),
      f(r.cpuMsPerConn, 2),
      f(r.rssBaseMb, 0),
      f(r.rssPeakMb, 0),
      f(r.rssRestMb, 0),
      f(r.kbPerConnection),
      f(r.heapBaseMb, 0),
      `${f(r.heapRestMb, 0)}/${f(r.heapTotalRestMb, 0)}`,
      f(r.externalRestMb, 0),
    ]),
  };
}

function stormRows(results: StormResult[]): { head: Row; rows: Row[] } {
  return {
    head: ['server', 'synced', 'restart s', 'all synced s', 'CPU s', 'pg CPU s', 'CPU ms/conn', 'RSS peak MB'],
    rows: results.map((r) => [
      label(r),
      `${r.synced}/${r.clients}`,
      f(r.restartS),
      f(r.syncS, 2),
      f(r.cpuS, 2),
      f(r.pgCpuS, 2),
      f(r.cpuMsPerConn, 2),
      f(r.rssPeakMb, 0),
    ]),
  };
}

function tableOf(results: Result[]): { head: Row; rows: Row[] } {
  if (results.length === 0) return { head: [], rows: [] };
  switch (results[0].kind) {
    case 'fanout':
      return fanoutRows(results as FanoutResult[]);
    case 'idle':
      return idleRows(results as IdleResult[]);
    case 'storm':
      return stormRows(results as StormResult[]);
  }
}

export function textTable(results: Result[]): string {
  const { head, rows } = tableOf(results);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: Row) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** One line per multi-process target: each process' CPU and RSS (the table has their sums), and
 * the Redis of the room bus. Empty when every target is one process. */
export function processLines(results: Result[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    if (r.processes.length < 2) continue;
    const each = r.processes.map((p) =>
      r.kind === 'fanout'
        ? `${p.label} CPU ${f(p.cpu, 0)} %, RSS end ${f(p.rssMb, 0)} MB (peak ${f(p.rssPeakMb, 0)})`
        : r.kind === 'storm'
          ? `${p.label} reconnect CPU ${f(p.cpu)} s, RSS peak ${f(p.rssPeakMb, 0)} MB`
          : `${p.label} connect CPU ${f(p.cpu)} s, RSS at rest ${f(p.rssMb, 0)} MB (peak ${f(p.rssPeakMb, 0)})`,
    );
    const bus = r.kind === 'fanout' && r.busCpuPercent !== null ? `; redis-server CPU ${f(r.busCpuPercent, 0)} % (shared)` : '';
    const once = r.kind === 'fanout' && r.storedTwice !== null ? `; updates stored twice: ${r.storedTwice}` : '';
    out.push(`${label(r)} per process: ${each.join('; ')}${bus}${once}`);
  }
  return out;
}

export function markdownTable(results: Result[]): string {
  const { head, rows } = tableOf(results);
  const line = (r: Row) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
