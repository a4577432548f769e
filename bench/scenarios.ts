/**
 * One scenario against one target: start it, load it, measure it, stop it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { GeneratorReport } from './load/messages.ts';
import { GeneratorPool } from './load/pool.ts';
import type { BenchOptions, FanoutScenario, IdleScenario, StormScenario } from './options.ts';
import { CpuWindow, memory, resetPeak } from './proc-stats.ts';
import { mb, percentile, type FanoutResult, type IdleResult, type StormResult } from './report.ts';
import type { Target } from './targets/target.ts';

/** Script capacity per writer on top of its share of warm-up + window: sends never run dry. */
const SCRIPT_HEADROOM = 1.25;

export type Log = (line: string) => void;

/** RSS and peak RSS of the target's processes: summed, and each. */
function rssOf(target: Target): { rss: number; peak: number; each: Array<{ label: string; pid: number; rss: number; peak: number }> } {
  let rss = 0;
  let peak = 0;
  const each = [];
  for (const p of target.processes()) {
    const m = memory(p.pid);
    each.push({ label: p.label, pid: p.pid, rss: m?.rssBytes ?? NaN, peak: m?.peakBytes ?? NaN });
    if (m) {
      rss += m.rssBytes;
      peak += m.peakBytes;
    }
  }
  return { rss, peak, each };
}

/** Sorted copy of the latencies of every generator report (`pick` chooses which list). */
function merged(reports: GeneratorReport[], pick: (r: GeneratorReport) => Float64Array): Float64Array {
  const all = new Float64Array(reports.reduce((n, r) => n + pick(r).length, 0));
  let at = 0;
  for (const r of reports) {
    all.set(pick(r), at);
    at += pick(r).length;
  }
  return all.sort();
}

/** Peak RSS from here on: set-up (accounts hash passwords with scrypt, 32 MiB each) is not what
 * the scenario measures. */
function resetPeaks(target: Target): void {
  for (const p of target.processes()) resetPeak(p.pid);
}

/** Stops the target however the run ends, also when it failed half-way through starting (its
 * database may already exist, its process may be up). */
async function withTarget<T>(target: Target, run: () => Promise<T>): Promise<T> {
  try {
    await target.start();
    return await run();
  } finally {
    await target.stop();
  }
}

export async function runFanout(
  target: Target,
  s: FanoutScenario,
  options: BenchOptions,
  log: Log,
): Promise<FanoutResult> {
  return withTarget(target, async () => {
    const docs = await target.setUp({ docs: s.docs, clients: s.clients });
    const writers = Math.min(s.clients, s.docs * s.writersPerDoc);
    const updatesPerWriter = Math.ceil(((s.rate * (s.warmupS + s.measureS)) / writers) * SCRIPT_HEADROOM) + 10;
    const pool = await GeneratorPool.start(
      s.generators,
      {
        dialect: target.dialect,
        docs,
        clients: s.clients,
        writersPerDoc: s.writersPerDoc,
        updatesPerWriter,
        endpointFor: (i, doc) => target.endpointFor(i, doc),
        connectConcurrency: options.connectConcurrency,
        connectTimeoutMs: options.connectTimeoutS * 1000,
      },
      () => {},
    );
    try {
      resetPeaks(target);
      const connected = await pool.connect();
      log(`  ${target.name}: ${connected.synced}/${s.clients} synced in ${(connected.ms / 1000).toFixed(1)} s`);
      if (connected.failed > 0) log(`  ${target.name}: connect failures: ${connected.errors.join('; ')}`);

      pool.write(s.rate);
      await sleep(s.warmupS * 1000);
      const serverCpu = new CpuWindow();
      const pgCpu = new CpuWindow();
      const busCpu = new CpuWindow();
      const pgPids = await target.supportPids();
      const busPids = (await target.busPids?.()) ?? [];
      serverCpu.begin(target.processes().map((p) => p.pid));
      pgCpu.begin(pgPids);
      busCpu.begin(busPids);
      // Starts the servers' runtime window (event-loop delay, GC); what came before is set-up.
      await target.runtimeStats();
      pool.measureStart();
      await sleep(s.measureS * 1000);
      pool.measureEnd();
      const cpu = serverCpu.end();
      const pg = pgCpu.end(await target.supportPids());
      const bus = busCpu.end();
      const runtime = await target.runtimeStats();
      const mem = rssOf(target);
      await sleep(s.drainS * 1000);
      const reports = await pool.reports();
      const storedTwice = target.storedTwice ? await target.storedTwice() : null;

      const all = merged(reports, (r) => r.latencies);
      const cross = merged(reports, (r) => r.crossLatencies);
      const multi = target.processes().length > 1;
      const pgPercent = pg.perPid.size > 0 ? pg.percent : null;
      const busPercent = busPids.length > 0 ? bus.percent : null;
      const genPercent = reports.reduce((n, r) => n + r.cpuPercent, 0);
      const expected = reports.reduce((n, r) => n + r.expected, 0);
      const received = reports.reduce((n, r) => n + r.received, 0);
      const sent = reports.reduce((n, r) => n + r.sent, 0);
      return {
        kind: 'fanout',
        target: target.name,
        key: target.name,
        round: 0,
        p50: percentile(all, 50),
        p95: percentile(all, 95),
        p99: percentile(all, 99),
        max: all.length > 0 ? all[all.length - 1] : NaN,
        samples: all.length,
        crossP50: multi ? percentile(cross, 50) : NaN,
        crossP99: multi ? percentile(cross, 99) : NaN,
        crossShare: multi && all.length > 0 ? cross.length / all.length : NaN,
        echoes: reports.reduce((n, r) => n + r.echoes, 0),
        storedTwice,
        deliveredRatio: expected > 0 ? received / expected : 0,
        sentPerS: sent / cpu.seconds,
        synced: connected.synced,
        clients: s.clients,
        unexpectedCloses: reports.reduce((n, r) => n + r.unexpectedCloses, 0),
        duplicates: reports.reduce((n, r) => n + r.duplicates, 0),
        cpuPercent: cpu.percent,
        rssEndMb: mb(mem.rss),
        rssPeakMb: mb(mem.peak),
        pgCpuPercent: pgPercent,
        busCpuPercent: busPercent,
        loopP50Ms: runtime?.loopP50Ms ?? NaN,
        loopP99Ms: runtime?.loopP99Ms ?? NaN,
        loopMaxMs: runtime?.loopMaxMs ?? NaN,
        gcCount: runtime?.gcCount ?? NaN,
        gcMs: runtime?.gcMs ?? NaN,
        processes: mem.each.map((p) => ({ label: p.label, cpu: cpu.perPid.get(p.pid) ?? NaN, rssMb: mb(p.rss), rssPeakMb: mb(p.peak) })),
        genCpuPercent: genPercent,
        genLoopP99Ms: Math.max(...reports.map((r) => r.loopDelayP99Ms)),
        otherCpuPercent: Math.max(0, cpu.machinePercent - cpu.percent - (pgPercent ?? 0) - (busPercent ?? 0) - genPercent),
      };
    } finally {
      await pool.close();
    }
  });
}

export async function runIdle(target: Target, s: IdleScenario, options: BenchOptions, log: Log): Promise<IdleResult> {
  return withTarget(target, async () => {
    const docs = await target.setUp({ docs: s.docs, clients: s.connections });
    // The baseline is taken at rest too: after the docs exist, before any socket, after a GC.
    const heapBase = await target.collectGarbage();
    const base = rssOf(target);
    resetPeaks(target);
    const pool = await GeneratorPool.start(
      s.generators,
      {
        dialect: target.dialect,
        docs,
        clients: s.connections,
        writersPerDoc: 0,
        updatesPerWriter: 0,
        endpointFor: (i, doc) => target.endpointFor(i, doc),
        connectConcurrency: options.connectConcurrency,
        connectTimeoutMs: options.connectTimeoutS * 1000,
      },
      (synced) => log(`  ${target.name}: ${synced}/${s.connections} synced…`),
    );
    try {
      const cpu = new CpuWindow();
      const pgCpu = new CpuWindow();
      const pgPids = await target.supportPids();
      cpu.begin(target.processes().map((p) => p.pid));
      pgCpu.begin(pgPids);
      const connected = await pool.connect();
      const connectCpu = cpu.end();
      const pg = pgCpu.end(await target.supportPids());
      const connectCpuS = (connectCpu.percent / 100) * connectCpu.seconds;
      const pgConnectCpuS = pg.perPid.size > 0 ? (pg.percent / 100) * pg.seconds : null;
      log(`  ${target.name}: ${connected.synced}/${s.connections} synced in ${(connected.ms / 1000).toFixed(1)} s`);
      if (connected.failed > 0) log(`  ${target.name}: connect failures (${connected.failed}): ${connected.errors.join('; ')}`);
      await sleep(s.settleS * 1000);
      const heapRest = await target.collectGarbage();
      const rest = rssOf(target);
      return {
        kind: 'idle',
        target: target.name,
        key: target.name,
        round: 0,
        connections: s.connections,
        synced: connected.synced,
        failed: connected.failed,
        connectS: connected.ms / 1000,
        connectCpuS,
        pgConnectCpuS,
        cpuMsPerConn: connected.synced > 0 ? ((connectCpuS + (pgConnectCpuS ?? 0)) * 1000) / connected.synced : NaN,
        rssBaseMb: mb(base.rss),
        rssPeakMb: mb(rest.peak),
        rssRestMb: mb(rest.rss),
        kbPerConnection: connected.synced > 0 ? (rest.rss - base.rss) / 1024 / connected.synced : NaN,
        heapBaseMb: heapBase === null ? NaN : mb(heapBase.heapUsed),
        heapRestMb: heapRest === null ? NaN : mb(heapRest.heapUsed),
        heapTotalRestMb: heapRest === null ? NaN : mb(heapRest.heapTotal),
        externalRestMb: heapRest === null ? NaN : mb(heapRest.external),
        errors: connected.errors,
        processes: rest.each.map((p) => ({
          label: p.label,
          cpu: ((connectCpu.perPid.get(p.pid) ?? NaN) / 100) * connectCpu.seconds,
          rssMb: mb(p.rss),
          rssPeakMb: mb(p.peak),
        })),
      };
    } finally {
      await pool.close();
    }
  });
}

/**
 * The reconnect storm: every client connects and syncs, writers give each document content, the
 * server restarts on the same data, and every client connects again at once. Timed from the first
 * reconnect to the last client synced, with the server's CPU (and its Postgres backends') over
 * that phase: what admitting and serving a whole population again costs.
 */
export async function runStorm(target: Target, s: StormScenario, options: BenchOptions, log: Log): Promise<StormResult> {
  return withTarget(target, async () => {
    const docs = await target.setUp({ docs: s.docs, clients: s.clients });
    const layout = {
      dialect: target.dialect,
      docs,
      clients: s.clients,
      connectConcurrency: options.connectConcurrency,
      connectTimeoutMs: options.connectTimeoutS * 1000,
    };
    const writersPerDoc = Math.min(2, Math.ceil(s.clients / s.docs));
    const writers = Math.min(s.clients, s.docs * writersPerDoc);
    const seeding = await GeneratorPool.start(
      s.generators,
      { ...layout, writersPerDoc, updatesPerWriter: Math.ceil(((s.rate * s.seedS) / writers) * SCRIPT_HEADROOM) + 10, endpointFor: (i, doc) => target.endpointFor(i, doc) },
      (synced) => log(`  ${target.name}: ${synced}/${s.clients} synced…`),
    );
    try {
      const first = await seeding.connect();
      log(`  ${target.name}: ${first.synced}/${s.clients} synced before the restart`);
      seeding.write(s.rate);
      seeding.measureStart();
      await sleep(s.seedS * 1000);
      seeding.measureEnd();
    } finally {
      await seeding.close();
    }

    const restartStarted = performance.now();
    await target.restart();
    const restartS = (performance.now() - restartStarted) / 1000;
    resetPeaks(target);
    // Every client at once: the connect concurrency is the whole population.
    const storm = await GeneratorPool.start(
      s.generators,
      { ...layout, connectConcurrency: s.clients, writersPerDoc: 0, updatesPerWriter: 0, endpointFor: (i, doc) => target.endpointFor(i, doc) },
      (synced) => log(`  ${target.name}: ${synced}/${s.clients} synced again…`),
    );
    try {
      const cpu = new CpuWindow();
      const pgCpu = new CpuWindow();
      const pgPids = await target.supportPids();
      cpu.begin(target.processes().map((p) => p.pid));
      pgCpu.begin(pgPids);
      const connected = await storm.connect();
      const used = cpu.end();
      const pg = pgCpu.end(await target.supportPids());
      const cpuS = (used.percent / 100) * used.seconds;
      const pgCpuS = pg.perPid.size > 0 ? (pg.percent / 100) * pg.seconds : null;
      const mem = rssOf(target);
      log(`  ${target.name}: ${connected.synced}/${s.clients} synced again in ${(connected.ms / 1000).toFixed(1)} s`);
      return {
        kind: 'storm',
        target: target.name,
        key: target.name,
        round: 0,
        clients: s.clients,
        synced: connected.synced,
        failed: connected.failed,
        restartS,
        syncS: connected.ms / 1000,
        cpuS,
        pgCpuS,
        cpuMsPerConn: connected.synced > 0 ? ((cpuS + (pgCpuS ?? 0)) * 1000) / connected.synced : NaN,
        rssPeakMb: mb(mem.peak),
        errors: connected.errors,
        processes: mem.each.map((p) => ({ label: p.label, cpu: ((used.perPid.get(p.pid) ?? NaN) / 100) * used.seconds, rssMb: mb(p.rss), rssPeakMb: mb(p.peak) })),
      };
    } finally {
      await storm.close();
    }
  });
}
