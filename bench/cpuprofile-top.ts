/**
 * `node --import tsx bench/cpuprofile-top.ts <file.cpuprofile> [--top N] [--per N]`: the functions
 * with the most self time in a V8 CPU profile (as written by `BENCH_SERVER_NODE_FLAGS="--cpu-prof
 * --cpu-prof-dir=…"`), as a Markdown table. With `--per N` (the delivered updates of the
 * profiled window, from the bench's table) each row also gets its cost per delivered update, for
 * the "top costs per delivered update" table of docs/benchmarks.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** Rows shown without `--top`. */
const DEFAULT_TOP = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/** Self time per function (summed over every node of it), most first. Time per sample comes from
 * the profile's own deltas, so a busy and an idle stretch weigh what they took. */
export function selfTimes(profile: Profile, root = process.cwd()): SelfTime[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0) {
    // A sample's delta is the time since the previous one: it belongs to the previous sample.
    for (let i = 0; i < samples.length; i++) {
      const us = deltas[i + 1] ?? 0;
      selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, us));
    }
  } else {
    const per = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0);
    const us = per > 0 ? (profile.endTime - profile.startTime) / per : 0;
    for (const n of profile.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * us);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const byFunction = new Map<string, SelfTime>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const file = frame.url.replace(/^file:\/\//, '');
    const where = file ? `${path.relative(root, file) || file}:${frame.lineNumber + 1}` : '';
    const name = frame.functionName || (file ? '(anonymous)' : '(native)');
    const key = `${name}@${where}`;
    const row = byFunction.get(key) ?? { name, where, ms: 0, share: 0 };
    row.ms += us / 1000;
    row.share = (row.ms * 1000) / total;
    byFunction.set(key, row);
  }
  return [...byFunction.values()].sort((a, b) => b.ms - a.ms);
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' }, per: { type: 'string' } } });
  const file = positionals[0];
  if (!file) {
    console.error('usage: node --import tsx bench/cpuprofile-top.ts <file.cpuprofile> [--top N] [--per DELIVERED_UPDATES]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const top = Number(values.top ?? DEFAULT_TOP);
  const per = values.per ? Number(values.per) : null;
  const rows = selfTimes(profile).slice(0, top);
  const wallS = (profile.endTime - profile.startTime) / 1e6;
  console.log(`${path.basename(file)}: ${wallS.toFixed(1)} s profiled\n`);
  console.log(`| function | where | self ms | share |${per ? ' µs per delivered update |' : ''}`);
  console.log(`|---|---|---:|---:|${per ? '---:|' : ''}`);
  for (const r of rows) {
    const each = per ? ` ${((r.ms * 1000) / per).toFixed(2)} |` : '';
    console.log(`| ${r.name} | ${r.where} | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)} % |${each}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
