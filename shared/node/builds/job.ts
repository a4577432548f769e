/**
 * The BullMQ job of a build. The payload is only the build id: the snapshot lives in Postgres
 * (`build_jobs`), so it is frozen once, in one place, and a retried job reads exactly the same.
 */
import type { JobsOptions } from 'bullmq';

/** The name of build jobs queued before job names carried the tenant (now `buildJobName`,
 * shared/builds/keys.ts); workers take jobs of any name. */
export const BUILD_JOB_NAME = 'build';

export interface BuildJobData {
  buildId: string;
  /** The build's tenant (its configuration's organisation; null: personal), for whoever looks at
   * the queue: per-tenant views and limits. Absent on jobs queued before tenants existed. The
   * build row (build_jobs.org_id, set by the database) stays the truth the builder acts on. */
  orgId?: string | null;
}

/** A build that fails because its builder died or lost Redis/Postgres is tried this many times in
 * all. Failures of the build itself (bad config, compile error, timeout) are not retried: they
 * would fail the same way again. */
export const BUILD_JOB_ATTEMPTS = 3;
/** First retry delay, doubled each time: long enough for a restarted Postgres or Redis to return. */
export const BUILD_RETRY_BACKOFF_MS = 5_000;
/** Finished BullMQ jobs are kept this long for inspection; the build record lives in Postgres. */
const FINISHED_JOB_KEEP_SECONDS = 24 * 3600;

export function buildJobOptions(buildId: string): JobsOptions {
  return {
    // The build id as job id: adding the same build twice is a no-op, and cancel can find it.
    jobId: buildId,
    attempts: BUILD_JOB_ATTEMPTS,
    backoff: { type: 'exponential', delay: BUILD_RETRY_BACKOFF_MS },
    removeOnComplete: { age: FINISHED_JOB_KEEP_SECONDS },
    removeOnFail: { age: FINISHED_JOB_KEEP_SECONDS },
  };
}
