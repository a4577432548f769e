/**
 * `npm run bench:builds` (second part): cold and warm real-executor builds against the stand-in
 * framework (tests/fixtures/fake-armbian) with the shared framework cache (ARMBIAN_CACHE_DIR).
 * Each round starts with an empty cache: the first build makes a rootfs (the stand-in sleeps
 * FAKE_ARMBIAN_ROOTFS_SECONDS, as the framework spends minutes there), the second build of the same
 * release finds it in the cache. Prints per round the build time (started_at → finished_at) and
 * the framework-check stage time (the builder's "framework accepted it in … s" line), the medians
 * and the load average, and exits non-zero when the warm build is not faster than the cold one.
 *
 *   BENCH_CACHE_ROUNDS=3  BENCH_ROOTFS_SECONDS=3  DATABASE_URL/REDIS_URL as for tests
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { armbianExecutor, buildRequest, createBuildsEnv, fakeArmbianCheckout, insertConfig, startTestBuilder, VALID_CONFIG } from '../tests/builder-harness.ts';

const ROUNDS = Number(process.env.BENCH_CACHE_ROUNDS ?? 3);
const ROOTFS_SECONDS = process.env.BENCH_ROOTFS_SECONDS ?? '3';
/** A stand-in build takes seconds; a minute means something broke. */
const BUILD_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const env = await createBuildsEnv(pino({ level: 'silent' }), 'bench_build_cache');
  const rows: Array<{ round: number; kind: 'cold' | 'warm'; buildS: number; checkS: number }> = [];
  try {
    const checkout = await fakeArmbianCheckout(env.tmp);
    const configId = await insertConfig(env.db, 'bench cache');
    for (let round = 1; round <= ROUNDS; round++) {
      const cacheDir = path.join(env.tmp, `cache-${round}`);
      const builder = startTestBuilder(env, armbianExecutor(checkout, { FAKE_ARMBIAN_ROOTFS_SECONDS: ROOTFS_SECONDS }, { cacheDir }));
      await builder.start();
      try {
        for (const kind of ['cold', 'warm'] as const) {
          const { id } = await enqueueBuild(env.service, { ...buildRequest(configId, { ...VALID_CONFIG, VENDOR: `r${round}${kind}` }), force: true });
          const deadline = Date.now() + BUILD_TIMEOUT_MS;
          let build = await getBuild(env.db, id);
          while (build && !['succeeded', 'failed', 'cancelled'].includes(build.status)) {
            if (Date.now() > deadline) throw new Error(`build ${id} did not finish in ${BUILD_TIMEOUT_MS} ms`);
            await new Promise((r) => setTimeout(r, POLL_MS));
            build = await getBuild(env.db, id);
          }
          if (build?.status !== 'succeeded') throw new Error(`build ${id} ${build?.status}: ${build?.error}`);
          const log = (await readBuildLog(env.db, id)).map((l) => l.line);
          const check = log.map((l) => /framework accepted it in ([\d.]+) s/.exec(l)).find(Boolean);
          rows.push({ round, kind, buildS: (build.finishedAt!.getTime() - build.startedAt!.getTime()) / 1000, checkS: check ? Number(check[1]) : NaN });
        }
      } finally {
        await builder.close();
      }
    }
  } finally {
    await env.cleanup();
  }
  console.log('round kind  build_s  check_s');
  for (const r of rows) console.log(`${String(r.round).padStart(5)} ${r.kind}  ${r.buildS.toFixed(2).padStart(7)}  ${r.checkS.toFixed(1).padStart(7)}`);
  const of = (kind: 'cold' | 'warm', key: 'buildS' | 'checkS') => median(rows.filter((r) => r.kind === kind).map((r) => r[key]));
  const [cold, warm] = [of('cold', 'buildS'), of('warm', 'buildS')];
  console.log(`median build: cold ${cold.toFixed(2)} s, warm ${warm.toFixed(2)} s; framework check: cold ${of('cold', 'checkS').toFixed(1)} s, warm ${of('warm', 'checkS').toFixed(1)} s`);
  console.log(`load average (1/5/15 min): ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
  if (!(warm < cold)) {
    console.error('FAIL: the warm build is not faster than the cold one (is the cache shared?)');
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
