/**
 * Preloaded (`--import`) into every server under test: the event loop's delay histogram and the
 * garbage collector's pauses (perf_hooks), over a window the bench chooses. SIGWINCH prints one
 * JSON line `{"msg":"bench runtime",…}` with the figures since the previous SIGWINCH (or start)
 * and starts a new window; the bench signals at the start and the end of a measured window.
 * SIGWINCH: ignored by default, unused by Node without a TTY, and not SIGUSR1 (the inspector).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** Histogram sampling period, ms: fine enough for the few-ms stalls a fan-out p99 is made of. */
const LOOP_RESOLUTION_MS = 5;

const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();

/** GC kinds by perf_hooks' NODE_PERFORMANCE_GC_* numbers. */
/** @type {Record<number, string>} */
const GC_KIND = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
/** @type {{ count: number, ms: number, byKind: Record<string, { count: number, ms: number }> }} */
let gc = { count: 0, ms: 0, byKind: {} };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = GC_KIND[entry.detail?.kind ?? 0] ?? 'other';
    gc.count += 1;
    gc.ms += entry.duration;
    const k = (gc.byKind[kind] ??= { count: 0, ms: 0 });
    k.count += 1;
    k.ms += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

/** @param {number} ns */
const toMs = (ns) => ns / 1e6;

process.on('SIGWINCH', () => {
  const report = {
    msg: 'bench runtime',
    loop: { p50: toMs(loop.percentile(50)), p99: toMs(loop.percentile(99)), max: toMs(loop.max), mean: toMs(loop.mean) },
    gc,
  };
  loop.reset();
  gc = { count: 0, ms: 0, byKind: {} };
  process.stdout.write(JSON.stringify(report) + '\n');
});
