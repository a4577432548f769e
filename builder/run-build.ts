/**
 * One attempt at one build, as the BullMQ processor runs it: claim the row, run the executor on
 * the frozen snapshot with logs, progress, artifacts, a timeout and cancellation, then record how
 * it ended. Failures of the build itself end it (failed, no retry); failures of the builder
 * (Postgres, Redis, disk, a bug) put it back to queued and let BullMQ retry it.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { eq, max, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ArtifactStorage } from '../shared/node/builds/artifact-storage.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import type { BuildJobData } from '../shared/node/builds/job.ts';
import type { BuildKeys } from '../shared/builds/keys.ts';
import { getBuildSnapshot } from '../shared/node/builds/read.ts';
import type { BuildStatus } from '../shared/builds/status.ts';
import {
  DB_NOW,
  publishBuildEvent,
  statusEvent,
  transitionBuild,
  type BuildState,
  type TransitionPatch,
} from '../shared/node/builds/transition.ts';
import { buildLogs } from '../shared/node/db/builds-schema.ts';
import { blobFetcherFor } from './blob-fetch.ts';
import { BuildAbort, abortKindOf } from './abort-reason.ts';
import { clearArtifacts, recordArtifact } from './artifact-recorder.ts';
import { writeWorkDirOwner } from './work-dirs.ts';
import { BuilderSetupError, ExecutorError, type Executor } from './executors/types.ts';
import { createLogSink, type LogSink } from './log-sink.ts';
import { createProgressReporter } from './progress-reporter.ts';
import { tenantOfOrg } from '../shared/tenant.ts';
import { createRedactor, type Redactor } from './redact.ts';
import { createConfigSecretStore, SecretUnavailableError } from '../shared/node/secrets/config-secrets.ts';
import type { Sealer } from '../shared/node/secrets/sealed.ts';
import type { ObjectStore } from '../shared/node/blobs/object-store.ts';
import type { FirstbootSecretName } from '../shared/firstboot-secrets.ts';

export interface RunBuildDeps {
  db: BuildsDb;
  redis: Redis;
  keys: BuildKeys;
  logger: Logger;
  executor: Executor;
  storage: ArtifactStorage;
  /** Parent of every attempt's private work directory. */
  workRoot: string;
  timeoutMs: number;
  artifactTtlMs: number;
  workerName: string;
  builderVersion: string;
  /** Running builds of this process, so cancel messages and shutdown can reach them. */
  running: Map<string, AbortController>;
  /** Told when a build found the builder's setup broken (BuilderSetupError): the builder stops
   * taking builds until its setup check passes again. */
  onSetupProblem(error: BuilderSetupError): void;
  /** Opens the first-boot secrets builds use (SECRETS_KEY, the same key as the servers'); null: a
   * build that uses secrets fails, saying so. */
  sealer?: Sealer | null;
  /** The object store blobs live in (OBJECT_STORE_URL); null: in Postgres only. */
  objects?: ObjectStore | null;
  /** A build that met a broken setup goes back to the queue for this long before a builder tries
   * it again (the builder re-checks its setup meanwhile). Not an attempt: it never ran. */
  setupRetryDelayMs: number;
}

/** What a queued build says while it waits for a builder whose setup is broken: the user sees
 * that it waits and why in general; the operator's details are in the builder's log and on
 * /health/builder. */
export const WAITING_FOR_SETUP = 'waiting: the builder cannot run builds until an operator fixes its setup (see /health/builder)';


export type BuildOutcome = 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** `token`: BullMQ's lock token of the job (lets a build that met a broken setup be delayed). */
export async function runBuild(deps: RunBuildDeps, job: Job<BuildJobData>, token?: string): Promise<BuildOutcome> {
  const buildId = job.data.buildId;
  const log = deps.logger.child({ buildId, jobAttempt: job.attemptsStarted });
  const controller = new AbortController();
  // Registered before the claim: a cancel published after the claim's read of the flag finds it.
  deps.running.set(buildId, controller);
  try {
    const snapshot = await getBuildSnapshot(deps.db, buildId);
    if (!snapshot) throw new UnrecoverableError(`build ${buildId} does not exist`);
    const startSeq = await lastLogSeq(deps.db, buildId);
    // Knows the secrets' values once they are opened; every line and error passes it first.
    const redactor = createRedactor();
    const sink = createLogSink({ ...deps, logger: log, buildId, tenant: tenantOfOrg(snapshot.orgId), startSeq, redact: redactor.redact });

    // BullMQ hands a job to one worker at a time; a row still `running` means the worker that had
    // it died or lost its lock. Record that before taking it over.
    const lost = await transitionBuild(deps.db, buildId, 'queued', { error: 'the previous attempt was lost (builder stopped)' }, ['running']);
    if (lost) {
      sink.append(`attempt ${lost.attempts} was lost (its builder stopped); running it again`, 'system');
      await publish(deps, lost);
    }
    const claimed = await transitionBuild(
      deps.db,
      buildId,
      'running',
      {
        startedAt: DB_NOW,
        finishedAt: null,
        attempts: sql`${sql.identifier('attempts')} + 1`,
        executor: deps.executor.name,
        error: null,
        stage: 'starting',
        progress: 0,
      },
      ['queued'],
    );
    if (!claimed) {
      // Cancelled (or finished by a sweep) before we got here: nothing to run.
      await sink.close();
      log.info('build is no longer queued; skipped');
      return 'skipped';
    }
    await publish(deps, claimed);
    if (claimed.cancelRequested) controller.abort(new BuildAbort('cancel', 'cancelled'));
    return await runClaimed(deps, job, claimed, snapshot, sink, controller, log, token, redactor);
  } finally {
    deps.running.delete(buildId);
  }
}

async function runClaimed(
  deps: RunBuildDeps,
  job: Job<BuildJobData>,
  claimed: BuildState,
  snapshot: NonNullable<Awaited<ReturnType<typeof getBuildSnapshot>>>,
  sink: LogSink,
  controller: AbortController,
  log: Logger,
  token: string | undefined,
  redactor: Redactor,
): Promise<BuildOutcome> {
  const buildId = claimed.id;
  const progress = createProgressReporter({ ...deps, logger: log, buildId, configId: claimed.configId, tenant: tenantOfOrg(claimed.orgId) });
  sink.append(
    `attempt ${claimed.attempts}: executor ${deps.executor.name} on ${deps.workerName}, builder ${deps.builderVersion}`,
    'system',
  );
  if (snapshot.builderVersion !== deps.builderVersion) {
    sink.append(
      `warning: requested with builder ${snapshot.builderVersion}, running on ${deps.builderVersion}; outputs may differ`,
      'system',
    );
  }
  const timeout = setTimeout(
    () => controller.abort(new BuildAbort('timeout', `timed out after ${Math.round(deps.timeoutMs / 1000)} s`)),
    deps.timeoutMs,
  );
  const workDir = path.join(deps.workRoot, `${buildId}-${claimed.attempts}`);
  let failure: unknown = null;
  try {
    if (claimed.attempts > 1) await clearArtifacts({ ...deps, ttlMs: deps.artifactTtlMs }, buildId);
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    await writeWorkDirOwner(workDir);
    const firstbootSecrets = await openFirstbootSecrets(deps, snapshot, redactor);
    if (firstbootSecrets.size > 0) sink.append(`first-boot secrets: ${[...firstbootSecrets.keys()].join(', ')} (values never shown)`, 'system');
    if (!controller.signal.aborted) {
      await deps.executor.run({
        buildId,
        snapshot,
        workDir,
        signal: controller.signal,
        logger: log,
        log: (line, stream = 'stdout') => sink.append(line, stream),
        progress: (stage, pct) => progress.report(stage, pct),
        firstbootSecrets,
        fetchBlob: blobFetcherFor(deps.db, snapshot.configId, deps.objects ?? null),
        addArtifact: async (name, filePath) => {
          const info = await recordArtifact({ ...deps, ttlMs: deps.artifactTtlMs }, buildId, name, filePath);
          sink.append(`artifact ${info.name}: ${info.size} bytes, sha256 ${info.sha256}`, 'system');
          return { size: info.size, sha256: info.sha256 };
        },
      });
    }
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timeout);
    await progress.close();
    await rm(workDir, { recursive: true, force: true }).catch((err: unknown) =>
      log.warn({ err, workDir }, 'could not remove the work directory'),
    );
  }
  // Nothing runs any more: a cancel from here on has nothing to stop, and whoever sees the final
  // status must not still find the build among the running ones.
  deps.running.delete(buildId);
  return finish(deps, job, buildId, sink, controller.signal, failure, log, token, redactor);
}

/** The values of the secrets the snapshot names, exactly as stamped, handed to the redactor
 * before anything can log them. */
async function openFirstbootSecrets(
  deps: RunBuildDeps,
  snapshot: NonNullable<Awaited<ReturnType<typeof getBuildSnapshot>>>,
  redactor: Redactor,
): Promise<ReadonlyMap<FirstbootSecretName, string>> {
  const stamp = snapshot.firstbootSecrets;
  if (!stamp || Object.keys(stamp).length === 0) return new Map();
  if (!deps.sealer) throw new ExecutorError('secrets_unavailable', 'this build uses first-boot secrets, and this builder has no SECRETS_KEY to open them (give it the servers\' key)');
  try {
    const values = await createConfigSecretStore(deps.db).openForBuild(deps.sealer, snapshot.configId, stamp);
    redactor.add(values.values());
    return values;
  } catch (error) {
    if (error instanceof SecretUnavailableError) throw new ExecutorError('secrets_unavailable', error.message);
    throw error;
  }
}

async function finish(
  deps: RunBuildDeps,
  job: Job<BuildJobData>,
  buildId: string,
  sink: LogSink,
  signal: AbortSignal,
  failure: unknown,
  log: Logger,
  token: string | undefined,
  redactor: Redactor,
): Promise<BuildOutcome> {
  const abort = abortKindOf(signal);
  const now = DB_NOW;
  const end = async (to: BuildStatus, patch: TransitionPatch, line: string): Promise<void> => {
    sink.append(line, 'system');
    // Every line is stored before viewers learn that the build ended.
    await sink.close();
    const state = await transitionBuild(deps.db, buildId, to, patch, ['running']);
    if (state) await publish(deps, state);
    else log.warn({ to }, 'build was no longer running when it ended; status left as is');
  };

  if (abort === 'cancel') {
    await end('cancelled', { finishedAt: now, error: null }, 'cancelled');
    return 'cancelled';
  }
  if (abort === 'timeout') {
    const reason = String(signal.reason);
    await end('failed', { finishedAt: now, error: reason }, `failed: ${reason}`);
    throw new UnrecoverableError(reason);
  }
  if (abort === 'shutdown') {
    await end('queued', { error: 'the builder shut down; queued again' }, 'builder shutting down; the build will run again');
    throw new Error('builder shut down during the build');
  }
  if (failure === null) {
    await end('succeeded', { finishedAt: now, error: null, stage: 'done', progress: 100 }, 'succeeded');
    return 'succeeded';
  }
  if (failure instanceof BuilderSetupError) {
    // The operator's problem: the build waits (queued, not failed, no attempt used) while the
    // builder pauses and re-checks its setup.
    log.error({ err: redactor.redactError(failure) }, 'the builder setup is broken; the build waits');
    deps.onSetupProblem(failure);
    sink.append(`the builder cannot run this build: its setup is broken; ${WAITING_FOR_SETUP}`, 'system');
    await sink.close();
    // What it stored before it stopped (plan files, logs) is not the output of the run to come,
    // which counts as the same attempt and so would not clear them itself.
    await clearArtifacts({ ...deps, ttlMs: deps.artifactTtlMs }, buildId);
    const state = await transitionBuild(deps.db, buildId, 'queued', { error: WAITING_FOR_SETUP, attempts: sql`${sql.identifier('attempts')} - 1` }, ['running']);
    if (state) await publish(deps, state);
    if (token) {
      await job.moveToDelayed(Date.now() + deps.setupRetryDelayMs, token);
      throw new DelayedError();
    }
    throw failure;
  }
  if (failure instanceof ExecutorError) {
    const reason = redactor.redact(failure.message);
    await end('failed', { finishedAt: now, error: reason }, `failed: ${reason}`);
    throw new UnrecoverableError(reason);
  }
  // A builder-side fault. BullMQ retries while attempts remain; the row says which way it went.
  // Redacted: BullMQ keeps the thrown error's message in Redis, and the row and logs show it.
  const message = redactor.redact(failure instanceof Error ? failure.message : String(failure));
  log.error({ err: redactor.redactError(failure) }, 'build attempt failed');
  const retrying = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  try {
    if (retrying) await end('queued', { error: `attempt failed: ${message}; retrying` }, `attempt failed: ${message}; retrying`);
    else await end('failed', { finishedAt: now, error: message }, `failed: ${message}`);
  } catch (err) {
    // The store is what failed; the sweep or the next attempt settles the row.
    log.error({ err }, 'could not record the failed attempt');
  }
  if (failure instanceof Error) failure.message = message;
  throw failure;
}

async function publish(deps: RunBuildDeps, state: BuildState): Promise<void> {
  try {
    await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg(state.orgId), statusEvent(state));
  } catch (err) {
    // The row is the truth; a viewer that missed the event sees the status on its next read.
    deps.logger.warn({ err, buildId: state.id }, 'could not publish build status');
  }
}

async function lastLogSeq(db: BuildsDb, buildId: string): Promise<number> {
  const rows = await db.select({ last: max(buildLogs.seq) }).from(buildLogs).where(eq(buildLogs.buildId, buildId));
  return rows[0]?.last ?? 0;
}
