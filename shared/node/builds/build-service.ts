/**
 * What the server calls to start, cancel and retry builds. The builder never calls these; it
 * reacts to the queue and to the cancel channel.
 */
import { tenantOfOrg } from '../../tenant.ts';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ACTIVE_DEDUPE_PREDICATE, buildJobs } from '../db/builds-schema.ts';
import type { BuildsDb } from './db.ts';
import { BuildError } from '../../builds/errors.ts';
import type { BuildCancelMessage } from '../../builds/events.ts';
import { buildJobOptions } from './job.ts';
import { buildJobName, type BuildKeys } from '../../builds/keys.ts';
import type { BuildQueue } from './queue.ts';
import { ACTIVE_BUILD_STATUSES, isTerminal, type BuildStatus } from '../../builds/status.ts';
import { DB_NOW, buildStateColumns, publishBuildEvent, statusEvent, transitionBuild, type BuildState } from './transition.ts';
import { BUILDER_VERSION } from '../../builds/version.ts';
import type { FirstbootSecretStamp } from '../../firstboot-secrets.ts';
import { withFirstbootSecrets } from './firstboot-stamp.ts';

export interface BuildServiceDeps {
  db: BuildsDb;
  queue: BuildQueue;
  /** A normal (non-subscriber) connection, used to publish cancel requests and status events. */
  redis: Redis;
  keys: BuildKeys;
  logger: Logger;
}

export interface BuildRequest {
  configId: string;
  /** The configuration's name now; it names `userpatches/config-<name>.conf`. */
  configName: string;
  /** The configuration as JSON (already validated by the caller: a build refuses errors, 422). */
  configJson: unknown;
  /** Encoded Yjs state of the document at the same moment. */
  yjsState: Uint8Array;
  schemaVersion: string;
  /** sha256 (hex) of the canonical JSON of `configJson`. */
  contentHash: string;
  /** Build even if the same content already built (or is building). */
  force?: boolean;
  requestedBy?: string | null;
  /** A matrix cell: the hash of the configuration state before the target's overrides, the one
   * the build gate decided on (build_jobs.source_content_hash). */
  sourceContentHash?: string | null;
  /** The first-boot secrets set now (names → value ids; never values). Folded into the build's
   * content hash (firstboot-stamp.ts); `contentHash` stays the gate's hash as source. */
  firstbootSecrets?: FirstbootSecretStamp | null;
}

export interface EnqueueResult {
  id: string;
  status: BuildStatus;
  /** True when an existing build of the same content was returned instead of a new one. */
  deduplicated: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Inserting loses to a concurrent identical request whose build may finish before we read it;
 * a few rounds always settle it (each round either inserts or finds an active winner). */
const MAX_DEDUPE_ROUNDS = 3;

/**
 * Freezes the snapshot into `build_jobs` and queues it. Unless `force`, a build of the same
 * configuration, content hash and builder version that succeeded or is still queued/running is
 * returned instead (scoped to the configuration so a build is never shared across access rules).
 * Two requests racing (on two processes) are settled by the unique index on active builds: the
 * insert that loses does nothing, and the loser returns the winner's build.
 */
export async function enqueueBuild(deps: BuildServiceDeps, asked: BuildRequest): Promise<EnqueueResult> {
  if (!SHA256_HEX.test(asked.contentHash)) {
    throw new BuildError('invalid_request', 'contentHash must be a lowercase hex sha256');
  }
  const stamped = withFirstbootSecrets(asked.contentHash, asked.firstbootSecrets ?? {});
  const request: BuildRequest = stamped.firstbootSecrets
    ? { ...asked, contentHash: stamped.contentHash, sourceContentHash: asked.sourceContentHash ?? asked.contentHash }
    : asked;
  if (typeof request.configJson !== 'object' || request.configJson === null || Array.isArray(request.configJson)) {
    throw new BuildError('invalid_request', 'configJson must be a JSON object');
  }
  const values = {
    configId: request.configId,
    configName: request.configName,
    contentHash: request.contentHash,
    configJson: request.configJson,
    yjsState: request.yjsState,
    schemaVersion: request.schemaVersion,
    builderVersion: BUILDER_VERSION,
    requestedBy: request.requestedBy ?? null,
    forced: request.force === true,
    sourceContentHash: request.sourceContentHash && request.sourceContentHash !== request.contentHash ? request.sourceContentHash : null,
    firstbootSecrets: stamped.firstbootSecrets,
  };
  if (request.force) {
    const inserted = await deps.db.insert(buildJobs).values(values).returning({ id: buildJobs.id, orgId: buildJobs.orgId });
    return queued(deps, inserted[0]!.id, request.configId, inserted[0]!.orgId);
  }
  for (let round = 0; round < MAX_DEDUPE_ROUNDS; round++) {
    const existing = await findReusable(deps, request);
    if (existing) return { ...existing, deduplicated: true };
    const inserted = await deps.db
      .insert(buildJobs)
      .values(values)
      .onConflictDoNothing({
        target: [buildJobs.configId, buildJobs.contentHash, buildJobs.builderVersion],
        where: sql.raw(ACTIVE_DEDUPE_PREDICATE),
      })
      .returning({ id: buildJobs.id, orgId: buildJobs.orgId });
    if (inserted[0]) return queued(deps, inserted[0].id, request.configId, inserted[0].orgId);
    // Another request inserted the same build first: the next round finds it.
  }
  throw new BuildError('build_conflict', 'identical builds kept being requested and finished at once; try again');
}

/** A build of the same content that succeeded or is still queued or running, newest first. */
async function findReusable(deps: BuildServiceDeps, request: BuildRequest): Promise<{ id: string; status: BuildStatus } | null> {
  const rows = await deps.db
    .select({ id: buildJobs.id, status: buildJobs.status })
    .from(buildJobs)
    .where(
      and(
        eq(buildJobs.configId, request.configId),
        eq(buildJobs.contentHash, request.contentHash),
        eq(buildJobs.builderVersion, BUILDER_VERSION),
        inArray(buildJobs.status, ['succeeded', ...ACTIVE_BUILD_STATUSES]),
      ),
    )
    .orderBy(desc(buildJobs.createdAt))
    .limit(1);
  const found = rows[0];
  return found ? { id: found.id, status: found.status as BuildStatus } : null;
}

/** `orgId`: the build's tenant as the database set it on insert (a trigger copies the
 * configuration's), carried in the job's data. */
async function queued(deps: BuildServiceDeps, id: string, configId: string, orgId: string | null): Promise<EnqueueResult> {
  await addToQueue(deps, id, orgId);
  await announceQueued(deps, id, configId, orgId);
  return { id, status: 'queued', deduplicated: false };
}

/** A new build: the configuration's clients show it at once (the status channel). */
async function announceQueued(deps: BuildServiceDeps, id: string, configId: string, orgId: string | null): Promise<void> {
  const state: BuildState = {
    id,
    configId,
    orgId,
    status: 'queued',
    stage: null,
    progress: 0,
    error: null,
    attempts: 0,
    cancelRequested: false,
    startedAt: null,
    finishedAt: null,
  };
  try {
    await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg(state.orgId), statusEvent(state));
  } catch (err) {
    // The build is queued either way; clients read it on their next list request.
    deps.logger.warn({ err, buildId: id }, 'could not announce a queued build');
  }
}

/**
 * Asks for a build to stop. A queued build is cancelled at once; a running one is cancelled by the
 * builder that holds it (it hears the cancel channel, and polls `cancel_requested` as a fallback),
 * and its `cancelled` status arrives as a status event. A finished build is returned unchanged.
 */
export async function cancelBuild(deps: BuildServiceDeps, buildId: string): Promise<BuildState> {
  // The flag is written before anything else so that a builder claiming the job concurrently
  // either sees it in its claim, or is already registered to hear the message published below.
  const flagged = await deps.db
    .update(buildJobs)
    .set({ cancelRequested: true })
    .where(and(eq(buildJobs.id, buildId), inArray(buildJobs.status, [...ACTIVE_BUILD_STATUSES])))
    .returning(buildStateColumns);
  let state = flagged[0] as BuildState | undefined;
  if (!state) {
    const current = await deps.db.select(buildStateColumns).from(buildJobs).where(eq(buildJobs.id, buildId));
    if (!current[0]) throw new BuildError('not_found', `no build ${buildId}`);
    return current[0] as BuildState;
  }
  if (state.status === 'queued') {
    const cancelled = await transitionBuild(
      deps.db,
      buildId,
      'cancelled',
      { finishedAt: DB_NOW, stage: null, error: 'cancelled before it started' },
      ['queued'],
    );
    if (cancelled) {
      state = cancelled;
      await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg(cancelled.orgId), statusEvent(cancelled));
      await removeFromQueue(deps, buildId);
      return state;
    }
    // It started between our two statements: the builder now holds it, tell it below.
  }
  const message: BuildCancelMessage = { buildId };
  await deps.redis.publish(deps.keys.cancelChannel, JSON.stringify(message));
  return state;
}

/**
 * Runs a finished build's exact snapshot again, as a new build (`retryOf` points back), so the
 * first build's status, log and artifacts stay as they were.
 */
export async function retryBuild(
  deps: BuildServiceDeps,
  buildId: string,
  options: { requestedBy?: string | null } = {},
): Promise<EnqueueResult> {
  const rows = await deps.db.select().from(buildJobs).where(eq(buildJobs.id, buildId));
  const original = rows[0];
  if (!original) throw new BuildError('not_found', `no build ${buildId}`);
  if (!isTerminal(original.status as BuildStatus)) {
    throw new BuildError('build_active', `build ${buildId} is ${original.status}; cancel it or wait`);
  }
  const inserted = await deps.db
    .insert(buildJobs)
    .values({
      configId: original.configId,
      configName: original.configName,
      contentHash: original.contentHash,
      configJson: original.configJson,
      yjsState: original.yjsState,
      schemaVersion: original.schemaVersion,
      builderVersion: original.builderVersion,
      requestedBy: options.requestedBy ?? original.requestedBy,
      retryOf: original.id,
      sourceContentHash: original.sourceContentHash,
      // The same secrets: the builder opens them only while they are still those values.
      firstbootSecrets: original.firstbootSecrets,
    })
    .returning({ id: buildJobs.id, orgId: buildJobs.orgId });
  return queued(deps, inserted[0]!.id, original.configId, inserted[0]!.orgId);
}

async function addToQueue(deps: BuildServiceDeps, buildId: string, orgId: string | null): Promise<void> {
  try {
    await deps.queue.add(buildJobName(tenantOfOrg(orgId)), { buildId, orgId }, buildJobOptions(buildId));
  } catch (cause) {
    // Without a job no builder will ever pick the row up: close it instead of leaving it queued.
    const failed = await transitionBuild(
      deps.db,
      buildId,
      'failed',
      { finishedAt: DB_NOW, error: 'the build queue is unavailable' },
      ['queued'],
    );
    deps.logger.error({ err: cause, buildId, marked: failed !== null }, 'could not enqueue build');
    throw new BuildError('enqueue_failed', 'the build queue is unavailable, try again later', { cause });
  }
}

async function removeFromQueue(deps: BuildServiceDeps, buildId: string): Promise<void> {
  try {
    // 0 when a builder already locked it: that builder sees the cancelled row and skips it.
    await deps.queue.remove(buildId);
  } catch (err) {
    // Harmless: a builder that picks it up finds the row cancelled and does nothing.
    deps.logger.warn({ err, buildId }, 'could not remove a cancelled job from the queue');
  }
}
