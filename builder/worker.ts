/**
 * The builder: a BullMQ worker on the build queue plus the housekeeping around it (cancel
 * channel, stuck-build sweep, expired-artifact cleanup). `npm start` runs it in the same process
 * as the server or as its own process; docker-compose scales it as a service.
 */
import { tenantOfOrg } from '../shared/tenant.ts';
import { hostname } from 'node:os';
import { DelayedError, Worker, type Job } from 'bullmq';
import { inArray, and, eq, isNull } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { deleteExpiredArtifacts } from '../shared/node/builds/artifact-cleanup.ts';
import type { ArtifactStorage } from '../shared/node/builds/artifact-storage.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import type { BuildCancelMessage } from '../shared/builds/events.ts';
import type { BuildJobData } from '../shared/node/builds/job.ts';
import { BUILD_QUEUE_NAME, type BuildKeys } from '../shared/builds/keys.ts';
import { createBuildQueue } from '../shared/node/builds/queue.ts';
import { builderAvailable, clearSetupProblem, reportSetupProblem } from '../shared/node/builds/builder-setup.ts';
import { buildStateColumns, DB_NOW, publishBuildEvent, statusEvent, transitionBuild, type BuildState } from '../shared/node/builds/transition.ts';
import { BUILDER_VERSION } from '../shared/builds/version.ts';
import { buildJobs } from '../shared/node/db/builds-schema.ts';
import { BuildAbort } from './abort-reason.ts';
import type { Sealer } from '../shared/node/secrets/sealed.ts';
import { BuilderSetupError, type Executor } from './executors/types.ts';
import type { ObjectStore } from '../shared/node/blobs/object-store.ts';
import { runBuild, WAITING_FOR_SETUP, type BuildOutcome, type RunBuildDeps } from './run-build.ts';
import { sweepWorkDirs } from './work-dirs.ts';
import { sweepBuilds } from './sweep.ts';

export interface BuilderTuning {
  /** Builds run at once by this process. Plan builds are milliseconds of CPU each; real Armbian
   * builds want one per checkout (and per machine, really). */
  concurrency: number;
  /** A build running longer than this is stopped and failed. */
  timeoutMs: number;
  /** Artifacts are kept this long after the build stored them. */
  artifactTtlMs: number;
  /** BullMQ lock on a running job, renewed at half this period. A builder killed mid-build gives up
   * its job after at most this long plus `stalledIntervalMs`. */
  lockDurationMs: number;
  /** How often this builder looks for jobs whose builder died. */
  stalledIntervalMs: number;
  /** Times a build may lose its builder and be given to another before it is failed: a build
   * that keeps killing its builder (out of memory) must not take the fleet down in turn. */
  maxStalledCount: number;
  /** Period of the Postgres/queue reconciliation (see sweep.ts). */
  sweepIntervalMs: number;
  /** Period of the expired-artifact cleanup. */
  cleanupIntervalMs: number;
  /** Period of the `cancel_requested` poll, the fallback for a cancel message that pub/sub lost. */
  cancelPollIntervalMs: number;
  /** On close, running builds get this long to finish before they are stopped and requeued. */
  shutdownGraceMs: number;
  /** While the setup is broken, how often it is checked again (and the problem re-reported). */
  setupRecheckIntervalMs: number;
}

/** A reported setup problem lapses after this many re-check periods without a refresh (its
 * builder died). */
const SETUP_PROBLEM_TTL_PERIODS = 3;
/** After the shutdown grace aborts the running builds, how long their executors get to stop
 * their processes and hand the builds back (executors stop a process group within 10 s) before
 * the worker is closed without waiting: a builder told to stop never hangs on one stuck build,
 * whose lock then lapses and another builder picks it up as stalled. */
export const SHUTDOWN_ABORT_BOUND_MS = 15_000;
/** A Redis QUIT unanswered for this long (a link that is reconnecting) is cut instead. */
const REDIS_QUIT_TIMEOUT_MS = 2_000;
/** Longest pause between tries of a setup problem only a build can see: an operator's fix is
 * picked up within this long, and a broken builder tries a build at most four times an hour. */
const SETUP_RECHECK_MAX_MS = 15 * 60_000;

export const DEFAULT_BUILDER_TUNING: BuilderTuning = {
  // A plan build is a few ms of CPU and a dozen small writes; four overlap the waits on
  // Postgres and Redis without crowding a two-core machine that also runs the server.
  concurrency: 4,
  // A plan build takes milliseconds; ten minutes means something is wedged.
  timeoutMs: 10 * 60_000,
  // A week: long enough to download after a weekend, short enough that images do not pile up.
  artifactTtlMs: 7 * 24 * 3600_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  maxStalledCount: 1,
  sweepIntervalMs: 60_000,
  // Expiry is measured in days; checking every ten minutes frees disk soon enough.
  cleanupIntervalMs: 10 * 60_000,
  // A lost cancel is noticed within two seconds, at one indexed query per period per builder.
  cancelPollIntervalMs: 2_000,
  shutdownGraceMs: 10_000,
  // An operator fixing a checkout wants builds to start soon after; a check is a few stat calls.
  setupRecheckIntervalMs: 30_000,
};

export interface BuilderDeps {
  db: BuildsDb;
  /** A normal connection; the builder duplicates it for BullMQ and for its subscriber, and
   * closes only those duplicates. */
  redis: Redis;
  keys: BuildKeys;
  logger: Logger;
  executor: Executor;
  storage: ArtifactStorage;
  workRoot: string;
  workerName?: string;
  tuning?: Partial<BuilderTuning>;
  /** Opens first-boot secrets (SECRETS_KEY); null or absent: builds that use them fail, saying so. */
  sealer?: Sealer | null;
  /** Where binary files' bytes live when the deployment has an object store (OBJECT_STORE_URL). */
  objects?: ObjectStore | null;
}

export interface Builder {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Builds running in this process right now (ids). */
  running(): string[];
  /** Why this builder takes no builds (its setup is broken), or null. */
  setupProblem(): string | null;
}

export function createBuilder(deps: BuilderDeps): Builder {
  const tuning: BuilderTuning = { ...DEFAULT_BUILDER_TUNING, ...deps.tuning };
  const logger = deps.logger.child({ component: 'builder' });
  const workerName = deps.workerName ?? `${hostname()}:${process.pid}`;
  const running = new Map<string, AbortController>();
  const timers: NodeJS.Timeout[] = [];
  // BullMQ's worker blocks on its connection and needs commands to wait out Redis restarts.
  const workerRedis = deps.redis.duplicate({ maxRetriesPerRequest: null });
  const subscriber = deps.redis.duplicate();
  const queue = createBuildQueue(deps.redis, deps.keys);
  let worker: Worker<BuildJobData, BuildOutcome> | null = null;
  let closing: Promise<void> | null = null;
  let started = false;
  let setupProblem: string | null = null;
  /** The last problem logged: a problem met again after a re-check is not logged again. */
  let lastLogged: string | null = null;
  /** Builds in a row that met a broken setup the start-up check cannot see (a framework that
   * cannot get root): each waits twice as long before the next try. */
  let buildSetupFailures = 0;
  let nextRecheckAt = 0;

  const runDeps: RunBuildDeps = {
    db: deps.db,
    redis: deps.redis,
    keys: deps.keys,
    logger,
    executor: deps.executor,
    storage: deps.storage,
    workRoot: deps.workRoot,
    sealer: deps.sealer ?? null,
    objects: deps.objects ?? null,
    timeoutMs: tuning.timeoutMs,
    artifactTtlMs: tuning.artifactTtlMs,
    workerName,
    builderVersion: BUILDER_VERSION,
    running,
    onSetupProblem: () => undefined, // replaced below, once the worker exists
    setupRetryDelayMs: tuning.setupRecheckIntervalMs,
  };

  const cancelLocal = (buildId: string): void => {
    const controller = running.get(buildId);
    if (controller && !controller.signal.aborted) {
      logger.info({ buildId }, 'cancelling build');
      controller.abort(new BuildAbort('cancel', 'cancelled'));
    }
  };

  const onCancelMessage = (channel: string, message: string): void => {
    if (channel !== deps.keys.cancelChannel) return;
    try {
      const parsed = JSON.parse(message) as Partial<BuildCancelMessage>;
      if (typeof parsed.buildId === 'string') cancelLocal(parsed.buildId);
    } catch (err) {
      logger.warn({ err, message }, 'ignored a malformed cancel message');
    }
  };

  const pollCancels = async (): Promise<void> => {
    if (running.size === 0) return;
    const rows = await deps.db
      .select({ id: buildJobs.id })
      .from(buildJobs)
      .where(and(inArray(buildJobs.id, [...running.keys()]), eq(buildJobs.cancelRequested, true)));
    for (const row of rows) cancelLocal(row.id);
  };

  const every = (periodMs: number, name: string, task: () => Promise<unknown>): void => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      task()
        .catch((err: unknown) => logger.error({ err }, `${name} failed`))
        .finally(() => {
          busy = false;
        });
    }, periodMs);
    timer.unref();
    timers.push(timer);
  };

  const settleIfFailed = (jobId: string, reason?: string): void => {
    void (async () => {
      const job = await queue.getJob(jobId);
      if (!job || (await job.getState()) !== 'failed') return;
      const failed = await transitionBuild(deps.db, job.data.buildId, 'failed', {
        finishedAt: DB_NOW,
        error: reason || job.failedReason || 'the build job failed',
      });
      if (failed) await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg(failed.orgId), statusEvent(failed));
    })().catch((err: unknown) => logger.error({ err, buildId: jobId }, 'could not close a failed build'));
  };

  const sweep = () => sweepBuilds({ db: deps.db, queue, redis: deps.redis, keys: deps.keys, logger });
  const cleanup = () => deleteExpiredArtifacts({ db: deps.db, storage: deps.storage, logger });

  const startWorker = async (): Promise<void> => {
    const created = new Worker<BuildJobData, BuildOutcome>(BUILD_QUEUE_NAME, (job, token) => processBuild(job, token), {
      connection: workerRedis,
      prefix: deps.keys.bullPrefix,
      name: workerName,
      concurrency: tuning.concurrency,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
      maxStalledCount: tuning.maxStalledCount,
      autorun: false,
    });
    worker = created;
    created.on('error', (err) => logger.error({ err }, 'build worker error'));
    // BullMQ gave up on a job (attempts used up, or a stalled job over the stall limit, which
    // BullMQ fails when a worker next picks it up): close its row, which the processor could
    // not do if its builder died. 'failed' also fires for attempts that will be retried, so
    // the job's state decides.
    created.on('failed', (job, err) => {
      if (job) settleIfFailed(job.id ?? job.data.buildId, err.message);
    });
    created.on('stalled', (jobId) => logger.warn({ buildId: jobId }, 'a build lost its builder; BullMQ requeued it'));
    void created.run().catch((err: unknown) => logger.error({ err }, 'build worker stopped'));
    await created.waitUntilReady();
  };

  /** Queued builds nobody will take while no builder can build say so (and why, in general). */
  const markWaitingBuilds = async (): Promise<void> => {
    try {
      await builderAvailable(queue, deps.redis, deps.keys);
      return; // another builder takes them
    } catch {
      // no builder can build: tell the waiting builds
    }
    const rows = await deps.db
      .update(buildJobs)
      .set({ error: WAITING_FOR_SETUP })
      .where(and(eq(buildJobs.status, 'queued'), isNull(buildJobs.error)))
      .returning(buildStateColumns);
    for (const row of rows) await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg((row as BuildState).orgId), statusEvent(row as BuildState));
  };

  const processBuild = async (job: Job<BuildJobData>, token?: string): Promise<BuildOutcome> => {
    const settled = (): void => {
      // It ran past the setup: whatever was broken works now.
      buildSetupFailures = 0;
      lastLogged = null;
    };
    try {
      const outcome = await runBuild(runDeps, job, token);
      settled();
      return outcome;
    } catch (err) {
      if (!(err instanceof DelayedError) && !(err instanceof BuilderSetupError)) settled();
      throw err;
    }
  };

  const reportProblem = async (message: string): Promise<void> => {
    if (lastLogged !== message) {
      lastLogged = message;
      // Once per problem, not once per re-check.
      logger.error({ problem: message }, 'the builder setup is broken: it takes no builds until it is fixed');
    }
    setupProblem = message;
    await reportSetupProblem(deps.redis, deps.keys, workerName, message, tuning.setupRecheckIntervalMs * SETUP_PROBLEM_TTL_PERIODS).catch((err: unknown) =>
      logger.warn({ err }, 'could not report the setup problem'),
    );
    await markWaitingBuilds().catch((err: unknown) => logger.warn({ err }, 'could not mark the waiting builds'));
  };

  /** true when the executor can build here; otherwise reports why. */
  const setupWorks = async (): Promise<boolean> => {
    if (!deps.executor.checkSetup) return true;
    try {
      await deps.executor.checkSetup();
      return true;
    } catch (err) {
      await reportProblem(err instanceof Error ? err.message : String(err));
      return false;
    }
  };

  const recheckSetup = async (): Promise<void> => {
    if (setupProblem === null || closing || Date.now() < nextRecheckAt) return;
    if (!(await setupWorks())) return;
    setupProblem = null;
    await clearSetupProblem(deps.redis, deps.keys, workerName);
    logger.info('the builder setup works again; taking builds');
    if (!worker) await startWorker();
    else await worker.resume();
  };

  runDeps.onSetupProblem = (error: BuilderSetupError): void => {
    // Stop taking builds at once (the running ones finish); the re-check resumes. The start-up
    // check may not see this kind of problem, so the next build tries after a growing pause.
    buildSetupFailures += 1;
    nextRecheckAt = Date.now() + Math.min(tuning.setupRecheckIntervalMs * 2 ** (buildSetupFailures - 1), SETUP_RECHECK_MAX_MS);
    void worker?.pause(true).catch((err: unknown) => logger.warn({ err }, 'could not pause the build worker'));
    void reportProblem(error.message);
  };

  return {
    async start() {
      if (worker || started) return;
      started = true;
      subscriber.on('message', onCancelMessage);
      await subscriber.subscribe(deps.keys.cancelChannel);
      // Work directories (real builds' framework workspaces) a crashed builder left behind.
      await sweepWorkDirs(deps.workRoot, logger).catch((err: unknown) => logger.error({ err }, 'work directory sweep failed'));
      // A broken setup (no framework checkout) is reported once and builds wait: no worker takes
      // them, so nothing fails in a retry loop. The re-check starts the worker once it is fixed.
      if (await setupWorks()) await startWorker();
      // Builds stranded while no builder was up are settled before new work starts piling on.
      await sweep().catch((err: unknown) => logger.error({ err }, 'startup sweep failed'));
      every(tuning.sweepIntervalMs, 'build sweep', sweep);
      every(tuning.cleanupIntervalMs, 'artifact cleanup', cleanup);
      every(tuning.cancelPollIntervalMs, 'cancel poll', pollCancels);
      every(tuning.setupRecheckIntervalMs, 'setup re-check', recheckSetup);
      void cleanup().catch((err: unknown) => logger.error({ err }, 'artifact cleanup failed'));
      logger.info(
        { executor: deps.executor.name, concurrency: tuning.concurrency, workerName, version: BUILDER_VERSION, setupProblem },
        setupProblem === null ? 'builder started' : 'builder started, waiting for its setup to be fixed',
      );
    },

    close() {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        const stopping = worker?.close() ?? Promise.resolve();
        const grace = setTimeout(() => {
          for (const controller of running.values()) {
            controller.abort(new BuildAbort('shutdown', 'builder shutting down'));
          }
        }, tuning.shutdownGraceMs);
        let bound: ReturnType<typeof setTimeout> | undefined;
        try {
          const stopped = await Promise.race([stopping.then(() => true), new Promise<false>((r) => (bound = setTimeout(() => r(false), tuning.shutdownGraceMs + SHUTDOWN_ABORT_BOUND_MS)))]);
          if (!stopped) {
            logger.warn({ builds: [...running.keys()] }, 'builds did not stop within the shutdown bound; closing the worker without them');
            await worker?.close(true);
          }
        } finally {
          clearTimeout(grace);
          clearTimeout(bound);
        }
        subscriber.off('message', onCancelMessage);
        if (setupProblem !== null) await clearSetupProblem(deps.redis, deps.keys, workerName).catch(() => undefined);
        await queue.close();
        await Promise.allSettled([quitWithin(subscriber), quitWithin(workerRedis)]);
        logger.info('builder stopped');
      })();
      return closing;
    },

    running: () => [...running.keys()],
    setupProblem: () => setupProblem,
  };
}

/** QUIT, or the connection cut when QUIT is not answered in time. */
async function quitWithin(redis: { quit(): Promise<unknown>; disconnect(): void }): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      redis.disconnect();
      resolve();
    }, REDIS_QUIT_TIMEOUT_MS);
  });
  try {
    await Promise.race([redis.quit().then(() => undefined, () => undefined), cut]);
  } finally {
    clearTimeout(timer);
  }
}
