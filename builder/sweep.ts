/**
 * Reconciles Postgres with the queue, so no build stays queued or running forever: a row whose
 * BullMQ job failed (e.g. its builder was killed more often than the stall limit allows) is
 * marked failed, and a row whose job vanished (Redis lost its data) is queued again. Jobs that
 * BullMQ still holds (waiting, delayed, active) are left to BullMQ: its stalled-job check gives a
 * dead builder's job to another builder, whose claim records the lost attempt.
 */
import { tenantOfOrg } from '../shared/tenant.ts';
import { and, asc, inArray, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { buildJobOptions } from '../shared/node/builds/job.ts';
import { buildJobName, type BuildKeys } from '../shared/builds/keys.ts';
import type { BuildQueue } from '../shared/node/builds/queue.ts';
import { ACTIVE_BUILD_STATUSES } from '../shared/builds/status.ts';
import { DB_NOW, publishBuildEvent, statusEvent, transitionBuild } from '../shared/node/builds/transition.ts';
import { buildJobs } from '../shared/node/db/builds-schema.ts';
import type { Redis } from 'ioredis';

/** Rows younger than this are skipped: the server inserts the row a moment before it adds the
 * job, and a sweep in between must not mistake that for a lost job. */
export const SWEEP_MIN_AGE_MS = 30_000;
/** Rows looked at per sweep; the oldest first, the rest on the next run. */
export const SWEEP_BATCH = 200;

export interface SweepDeps {
  db: BuildsDb;
  queue: BuildQueue;
  redis: Redis;
  keys: BuildKeys;
  logger: Logger;
}

export interface SweepResult {
  failed: number;
  requeued: number;
}

export async function sweepBuilds(deps: SweepDeps, now: Date = new Date()): Promise<SweepResult> {
  const result: SweepResult = { failed: 0, requeued: 0 };
  const rows = await deps.db
    .select({ id: buildJobs.id, status: buildJobs.status, orgId: buildJobs.orgId })
    .from(buildJobs)
    .where(and(inArray(buildJobs.status, [...ACTIVE_BUILD_STATUSES]), lt(buildJobs.createdAt, new Date(now.getTime() - SWEEP_MIN_AGE_MS))))
    .orderBy(asc(buildJobs.createdAt))
    .limit(SWEEP_BATCH);
  for (const row of rows) {
    const job = await deps.queue.getJob(row.id);
    const state = job ? await job.getState() : 'missing';
    if (state === 'failed' || state === 'completed') {
      const reason = state === 'failed' ? (job?.failedReason ?? 'the build job failed') : 'the build job ended without a result';
      const failed = await transitionBuild(deps.db, row.id, 'failed', { finishedAt: DB_NOW, error: reason });
      if (failed) {
        result.failed += 1;
        await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg(failed.orgId), statusEvent(failed));
        deps.logger.warn({ buildId: row.id, reason }, 'sweep: marked a build failed');
      }
    } else if (state === 'missing' || state === 'unknown') {
      if (row.status === 'running') {
        const queued = await transitionBuild(deps.db, row.id, 'queued', { error: 'its job was lost; queued again' }, ['running']);
        if (queued) await publishBuildEvent(deps.redis, deps.keys, tenantOfOrg(queued.orgId), statusEvent(queued));
      }
      await deps.queue.add(buildJobName(tenantOfOrg(row.orgId)), { buildId: row.id, orgId: row.orgId }, buildJobOptions(row.id));
      result.requeued += 1;
      deps.logger.warn({ buildId: row.id }, 'sweep: queued a build whose job was missing');
    }
  }
  return result;
}
