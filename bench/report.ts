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

export interface FanoutResult extends RowIdentity {
  kind: 'fanout';
  p50: number;
  p95: number;
  p99: number;
  max: number;
  samples: number;
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
}

export type Result = FanoutResult | IdleResult;

/** Per target, the median of every figure over rounds (each figure on its own, so the row is not
 * one real run). Targets keep their first-seen order. */
export function medians(results: Result[]): Result[] {
  const keys = [...new Set(results.map((r) => r.key))];
  return keys.map((key) => {
    const runs = results.filter((r) => r.key === key);
    const out: Record<string, unknown> = { ...runs[0], target: `${runs[0].target} (median of ${runs.length})` };
    for (const [k, v] of Object.entries(runs[0])) {
      if (typeof v !== 'number' || k === 'round') continue;
      const xs = runs.map((r) => (r as unknown as Record<string, number>)[k]).sort((a, b) => a - b);
      const m = xs.length / 2;
      out[k] = xs.length % 2 ? xs[Math.floor(m)] : (xs[m - 1] + xs[m]) / 2;
    }
    out.round = 0;
    return out as unknown as Result;
  });
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
  return {
    head: ['server', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'delivered', 'sent/s', 'CPU %', 'RSS end MB', 'RSS peak MB', 'pg CPU %', 'gen CPU %', 'other CPU %'],
    rows: results.map((r) => [
      label(r),
      f(r.p50),
      f(r.p95),
      f(r.p99),
      f(r.max),
      `${(r.deliveredRatio * 100).toFixed(2)} %`,
      f(r.sentPerS),
      f(r.cpuPercent, 0),
      f(r.rssEndMb, 0),
      f(r.rssPeakMb, 0),
      f(r.pgCpuPercent, 0),
      f(r.genCpuPercent, 0),
      f(r.otherCpuPercent, 0),
    ]),
  };
}

function idleRows(results: IdleResult[]): { head: Row; rows: Row[] } {
  return {
    head: ['server', 'synced', 'connect s', 'CPU s (connect)', 'RSS before MB', 'RSS peak MB', 'RSS at rest MB', 'KB/conn', 'heap before MB', 'heap at rest MB (used/committed)', 'external at rest MB'],
    rows: results.map((r) => [
      label(r),
      `${r.synced}/${r.connections}`,
      f(r.connectS),
      f(r.connectCpuS),
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

function tableOf(results: Result[]): { head: Row; rows: Row[] } {
  if (results.length === 0) return { head: [], rows: [] };
  return results[0].kind === 'fanout' ? fanoutRows(results as FanoutResult[]) : idleRows(results as IdleResult[]);
}

export function textTable(results: Result[]): string {
  const { head, rows } = tableOf(results);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: Row) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function markdownTable(results: Result[]): string {
  const { head, rows } = tableOf(results);
  const line = (r: Row) => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
