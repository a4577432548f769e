/**
 * Preloaded (`--import`) into every server under test: SIGUSR2 runs a full garbage collection, so
 * "RSS at rest" is read after garbage is gone on every server alike, then prints one JSON line
 * `{"msg":"bench memory",…}` with the process' own view (JS heap, external buffers), which the
 * bench uses to split RSS into heap and the rest. Needs `--expose-gc`.
 */
/** @type {(() => void) | undefined} */
const collect = globalThis.gc;
/** The second pass frees what the first one's finalizers released. */
const SECOND_PASS_DELAY_MS = 100;

process.on('SIGUSR2', () => {
  collect?.();
  setTimeout(() => {
    collect?.();
    const m = process.memoryUsage();
    process.stdout.write(
      JSON.stringify({ msg: 'bench memory', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers }) + '\n',
    );
  }, SECOND_PASS_DELAY_MS);
});
