/**
 * `npm run bench:builds`: 200 plan builds enqueued at once against one standalone builder
 * process (`builder/main.ts`, default concurrency) on the real Postgres and Redis. Prints the
 * enqueue-to-start latency (p50/p99, from the rows' created_at/started_at) and builds per
 * minute, and records them in docs/benchmarks.md under `## bench:builds`.
 *
 *   BENCH_BUILDS=200  BENCH_WRITE_DOCS=0 (to skip docs)  DATABASE_URL/REDIS_URL as for tests
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { inArray } from 'drizzle-orm';
import { pino } from 'pino';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { buildJobs } from '../shared/node/db/builds-schema.ts';
import { PLAN_DEFAULT_CONCURRENCY } from '../builder/settings.ts';
import { REDIS_URL, ROOT, VALID_CONFIG, buildRequest, createBuildsEnv, insertConfig } from '../tests/builder-harness.ts';

const BUILDS = Number(process.env.BENCH_BUILDS ?? 200);
/** A cold tsx start of the builder takes a few seconds on this machine. */
const BUILDER_START_TIMEOUT_MS = 60_000;
/** Upper bound for the whole run: 200 plan builds take seconds; minutes mean something broke. */
const RUN_TIMEOUT_MS = 5 * 60_000;
/** How often the bench looks at the rows while it waits (measurement comes from timestamps). */
const POLL_MS = 100;
/** Builds sent one at a time to an idle builder, for the latency without a queue in front. */
const IDLE_BUILDS = 20;
/** Poll period while one idle build runs: short, since the figure is taken from timestamps anyway. */
const IDLE_POLL_MS = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const env = await createBuildsEnv(logger, 'bench_builds');
  const child = spawn(process.execPath, ['--import', 'tsx', 'builder/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: env.testDb.url,
      REDIS_URL,
      KEY_PREFIX: env.keys.prefix,
      ARTIFACTS_DIR: env.artifactsDir,
      BUILD_WORK_DIR: path.join(env.tmp, 'work'),
      BUILD_EXECUTOR: 'plan',
      LOG_LEVEL: 'info',
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('builder did not start')), BUILDER_START_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.includes('"builder started"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`builder exited with ${code}`)));
    });

    const configId = await insertConfig(env.db, 'bench');
    const t0 = Date.now();
    // Distinct content per build, so none is deduplicated into another.
    const ids = (
      await Promise.all(
        Array.from({ length: BUILDS }, (_, i) =>
          enqueueBuild(env.service, buildRequest(configId, { ...VALID_CONFIG, description: `bench build ${i}` }, 'bench')),
        ),
      )
    ).map((r) => r.id);
    const enqueueMs = Date.now() - t0;

    const deadline = Date.now() + RUN_TIMEOUT_MS;
    let rows: Array<{ status: string; createdAt: Date; startedAt: Date | null; finishedAt: Date | null }> = [];
    for (;;) {
      rows = await env.db
        .select({ status: buildJobs.status, createdAt: buildJobs.createdAt, startedAt: buildJobs.startedAt, finishedAt: buildJobs.finishedAt })
        .from(buildJobs)
        .where(inArray(buildJobs.id, ids));
      if (rows.every((r) => r.finishedAt !== null)) break;
      if (Date.now() > deadline) throw new Error('builds did not finish in time');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const failed = rows.filter((r) => r.status !== 'succeeded').length;

    // One at a time on an idle builder: what a single person pressing Build waits.
    const idle: number[] = [];
    const idleRun: number[] = [];
    for (let i = 0; i < IDLE_BUILDS; i += 1) {
      const { id } = await enqueueBuild(
        env.service,
        buildRequest(configId, { ...VALID_CONFIG, description: `idle build ${i}` }, 'bench'),
      );
      for (;;) {
        const [row] = await env.db
          .select({ createdAt: buildJobs.createdAt, startedAt: buildJobs.startedAt, finishedAt: buildJobs.finishedAt })
          .from(buildJobs)
          .where(inArray(buildJobs.id, [id]));
        if (row?.finishedAt && row.startedAt) {
          idle.push(row.startedAt.getTime() - row.createdAt.getTime());
          idleRun.push(row.finishedAt.getTime() - row.startedAt.getTime());
          break;
        }
        if (Date.now() > deadline) throw new Error('idle builds did not finish in time');
        await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
      }
    }
    idle.sort((a, b) => a - b);
    idleRun.sort((a, b) => a - b);
    const latencies = rows.map((r) => r.startedAt!.getTime() - r.createdAt.getTime()).sort((a, b) => a - b);
    const first = Math.min(...rows.map((r) => r.createdAt.getTime()));
    const last = Math.max(...rows.map((r) => r.finishedAt!.getTime()));
    const perMinute = (BUILDS / (last - first)) * 60_000;
    const figures = {
      builds: BUILDS,
      failed,
      concurrency: PLAN_DEFAULT_CONCURRENCY,
      enqueueMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1)!,
      spanMs: last - first,
      perMinute: Math.round(perMinute),
      idleP50: percentile(idle, 50),
      idleMax: idle.at(-1)!,
      runP50: percentile(idleRun, 50),
    };
    console.log(`builds:                 ${figures.builds} plan builds (${failed} not succeeded)`);
    console.log(`builder concurrency:    ${figures.concurrency} (one builder process, default)`);
    console.log(`enqueue all:            ${enqueueMs} ms`);
    console.log(`enqueue→start p50:      ${figures.p50} ms`);
    console.log(`enqueue→start p99:      ${figures.p99} ms (max ${figures.max} ms)`);
    console.log(`first enqueue→last end: ${figures.spanMs} ms`);
    console.log(`throughput:             ${figures.perMinute} builds/minute`);
    console.log(`idle enqueue→start:     p50 ${figures.idleP50} ms, max ${figures.idleMax} ms (${IDLE_BUILDS} builds one at a time)`);
    console.log(`one plan build runs:    p50 ${figures.runP50} ms (start→finish)`);
    if (process.env.BENCH_WRITE_DOCS !== '0') await writeDocs(figures);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await env.cleanup();
  }
}

async function writeDocs(f: Record<string, number>): Promise<void> {
  const file = path.join(ROOT, 'docs/benchmarks.md');
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = '# Benchmarks\n\nFigures printed by the `npm run bench:*` scripts, with the command that produced them.\n';
  }
  const section = `## bench:builds

Command: \`npm run bench:builds\` (\`bench/builds.ts\`). Measured on ${cpus().length} cores, Node ${process.version},
${process.platform}/${process.arch}, on ${new Date().toISOString().slice(0, 10)}, real local Postgres and Redis, while
other work may have shared the machine.

${f.builds} \`plan\` builds (distinct content) enqueued at once with \`enqueueBuild\`, run by one standalone
builder process (\`builder/main.ts\`, \`BUILD_EXECUTOR=plan\`, default concurrency ${f.concurrency}). Latency is the
row's \`started_at − created_at\` (both Postgres clock).

| measure | value |
|---|---|
| enqueue all ${f.builds} | ${f.enqueueMs} ms |
| enqueue → start p50 | ${f.p50} ms |
| enqueue → start p99 | ${f.p99} ms (max ${f.max} ms) |
| first enqueue → last finish | ${f.spanMs} ms |
| throughput | ${f.perMinute} builds/minute |
| not succeeded | ${f.failed} |
| idle builder, one build at a time: enqueue → start p50 / max | ${f.idleP50} ms / ${f.idleMax} ms |
| one plan build, start → finish, p50 | ${f.runP50} ms |

The burst's latency is queueing, not work: with ${f.concurrency} at a time, the last of ${f.builds} builds enqueued
together waits for the ${f.builds - 1} before it. A plan build's time goes to sequential round trips (claim, five
artifacts each stored, recorded and announced, log batches, progress, final status), not CPU.
`;
  const start = text.indexOf('## bench:builds');
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(0, start) + section + (next >= 0 ? text.slice(next + 1) : '');
  } else {
    text = `${text.trimEnd()}\n\n${section}`;
  }
  await writeFile(file, text);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
