/**
 * The one way to change a build's status: a guarded UPDATE whose WHERE clause is the transition
 * table, so concurrent writers (server cancel, builder start/finish, sweep) cannot break it.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { buildJobs } from '../db/builds-schema.ts';
import type { BuildsDb } from './db.ts';
import { encodeBuildEvent, type BuildEvent } from '../../builds/events.ts';
import type { BuildKeys } from '../../builds/keys.ts';
import type { Tenant } from '../../tenant.ts';
import { canTransition, sourcesOf, type BuildStatus } from '../../builds/status.ts';

/** The small columns of a build: what status changes read back (never the snapshot). */
export const buildStateColumns = {
  id: buildJobs.id,
  configId: buildJobs.configId,
  orgId: buildJobs.orgId,
  status: buildJobs.status,
  stage: buildJobs.stage,
  progress: buildJobs.progress,
  error: buildJobs.error,
  attempts: buildJobs.attempts,
  cancelRequested: buildJobs.cancelRequested,
  startedAt: buildJobs.startedAt,
  finishedAt: buildJobs.finishedAt,
};

export interface BuildState {
  id: string;
  configId: string;
  /** The build's organisation (null: personal): its tenant names its events channel. */
  orgId: string | null;
  status: BuildStatus;
  stage: string | null;
  progress: number;
  error: string | null;
  attempts: number;
  cancelRequested: boolean;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface TransitionPatch {
  error?: string | null;
  stage?: string | null;
  progress?: number;
  executor?: string;
  /** Use DB_NOW: every build timestamp comes from Postgres' clock, so durations computed from
   * them hold even when builders' and servers' clocks disagree. */
  startedAt?: SQL | null;
  finishedAt?: SQL | null;
  attempts?: number | SQL;
}

/** Postgres' clock, for the timestamps of a status change. */
export const DB_NOW: SQL = sql`now()`;

/**
 * Moves `buildId` to `to` if its current status allows it (and is one of `from`, when given).
 * Returns the new state, or null when the build is missing or its status did not allow the move.
 */
export async function transitionBuild(
  db: BuildsDb,
  buildId: string,
  to: BuildStatus,
  patch: TransitionPatch = {},
  from?: readonly BuildStatus[],
): Promise<BuildState | null> {
  const allowed = (from ?? sourcesOf(to)).filter((status) => canTransition(status, to));
  if (allowed.length === 0) return null;
  const rows = await db
    .update(buildJobs)
    .set({ status: to, ...patch })
    .where(and(eq(buildJobs.id, buildId), inArray(buildJobs.status, allowed)))
    .returning(buildStateColumns);
  return (rows[0] as BuildState | undefined) ?? null;
}

export function statusEvent(state: BuildState, at: Date = new Date()): BuildEvent {
  return {
    type: 'status',
    buildId: state.id,
    configId: state.configId,
    status: state.status,
    error: state.error,
    attempts: state.attempts,
    at: at.toISOString(),
  };
}

/** Publishes to the build's viewers (on its tenant's channel), and status and progress also to
 * the servers that tell the configuration's clients (`statusChannel`). */
export async function publishBuildEvent(redis: Redis, keys: BuildKeys, tenant: Tenant, event: BuildEvent): Promise<void> {
  const encoded = encodeBuildEvent(event);
  const toConfig = event.type === 'status' || event.type === 'progress';
  await Promise.all([redis.publish(keys.eventsChannel(tenant, event.buildId), encoded), toConfig ? redis.publish(keys.statusChannel, encoded) : null]);
}
