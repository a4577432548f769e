/**
 * Gauges read at scrape time: cheap snapshots of rooms and the committer, taken on every scrape,
 * and figures from Redis and Postgres (queue depth, build durations), refreshed in the background.
 * A scrape never waits on a dependency for longer than EXTERNAL_WAIT_MS: with Postgres or Redis
 * away it answers with the last figures (and `boardroom_build_queue_reachable 0`), because the
 * scrape is how an operator sees the outage.
 */
import { sql } from 'drizzle-orm';
import type { BuildsContext } from './builds/builds-context.ts';
import type { Metrics } from './metrics.ts';
import type { GroupCommitter } from './sync/group-committer.ts';
import { COMPACT_AFTER_UPDATES, type RoomManager } from './sync/room-manager.ts';
import type { ConnectionRegistry } from './ws-transport.ts';

/** Build durations are summarised over this many recent builds. */
const RECENT_BUILDS = 100;
/** A scrape waits this long for the queue and build figures, then answers with the last ones:
 * Prometheus' default scrape timeout is 10 s, and the brief promise is "about a second". */
const EXTERNAL_WAIT_MS = 500;
/** Build outcomes are counted over this window: long enough to see a daily pattern, short enough
 * that the count stays a cheap read of recent rows. */
const OUTCOME_WINDOW_S = 24 * 3600;
const FINAL_BUILD_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

export interface GaugeDeps {
  metrics: Metrics;
  manager: RoomManager;
  committer: GroupCommitter;
  registry: ConnectionRegistry;
  builds: BuildsContext | null;
  compactAfterUpdates?: number;
}

/** Returns the scrape hook: local gauges now, external ones refreshed with at most one refresh in
 * flight (a slow dependency never piles up queries), waited for at most EXTERNAL_WAIT_MS. */
export function createGaugeRefresher(deps: GaugeDeps): () => Promise<void> {
  let external: Promise<void> | null = null;
  return async () => {
    refreshLocalGauges(deps);
    if (!deps.builds) return;
    external ??= refreshExternalGauges(deps.metrics, deps.builds).finally(() => {
      external = null;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([external, new Promise<void>((resolve) => (timer = setTimeout(resolve, EXTERNAL_WAIT_MS)))]);
    clearTimeout(timer);
  };
}

function refreshLocalGauges(deps: GaugeDeps): void {
  const { metrics, manager, committer } = deps;
  const threshold = deps.compactAfterUpdates ?? COMPACT_AFTER_UPDATES;
  metrics.connections.set(deps.registry.size);
  metrics.roomsLoaded.set(manager.rooms.size);
  metrics.unsaved.set(committer.pending);
  metrics.unsavedAge.set(committer.unsavedAgeMs() / 1000);
  let backlog = 0;
  let bytesMax = 0;
  let bytesTotal = 0;
  let logMax = 0;
  for (const room of manager.rooms.values()) {
    bytesMax = Math.max(bytesMax, room.approxBytes);
    bytesTotal += room.approxBytes;
    logMax = Math.max(logMax, room.tailCount);
    if (room.tailCount >= threshold) backlog += 1;
  }
  metrics.docBytesMax.set(bytesMax);
  metrics.docBytesTotal.set(bytesTotal);
  metrics.logLengthMax.set(logMax);
  metrics.compactionBacklog.set(backlog);
}

async function refreshExternalGauges(metrics: Metrics, builds: BuildsContext): Promise<void> {
  try {
    const counts = await builds.queue.getJobCounts('waiting', 'active', 'delayed');
    for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ state }, n);
    const rows = (await builds.db.execute(sql`
      select extract(epoch from (finished_at - started_at))::float8 as s from build_jobs
      where finished_at is not null and started_at is not null order by finished_at desc limit ${RECENT_BUILDS}`)) as unknown as
      | Array<{ s: number }>
      | { rows: Array<{ s: number }> };
    const durations = (Array.isArray(rows) ? rows : rows.rows).map((r) => Number(r.s)).sort((a, b) => a - b);
    if (durations.length > 0) {
      for (const q of [0.5, 0.9, 0.99]) {
        metrics.buildDuration.set({ quantile: String(q) }, durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]);
      }
    }
    const outcomes = (await builds.db.execute(sql`
      select status, count(*)::int as n from build_jobs
      where finished_at > now() - make_interval(secs => ${OUTCOME_WINDOW_S}) group by status`)) as unknown as
      | Array<{ status: string; n: number }>
      | { rows: Array<{ status: string; n: number }> };
    const byStatus = new Map((Array.isArray(outcomes) ? outcomes : outcomes.rows).map((r) => [r.status, Number(r.n)]));
    // Every final status is reported, zero included, so a rate of failures can be alerted on.
    for (const status of FINAL_BUILD_STATUSES) metrics.buildOutcomes.set({ status }, byStatus.get(status) ?? 0);
    const byTenant = (await builds.db.execute(sql`
      select coalesce(org_id::text, 'personal') as tenant, status, count(*)::int as n from build_jobs
      where finished_at > now() - make_interval(secs => ${OUTCOME_WINDOW_S}) group by 1, 2`)) as unknown as
      | Array<{ tenant: string; status: string; n: number }>
      | { rows: Array<{ tenant: string; status: string; n: number }> };
    setTenantOutcomes(metrics, Array.isArray(byTenant) ? byTenant : byTenant.rows);
    metrics.queueReachable.set(1);
  } catch (error) {
    // Redis or Postgres is away: say so as a figure instead of failing the whole scrape (the
    // outage itself is logged where it happens, not once per scrape).
    metrics.queueReachable.set(0);
    builds.logger.debug({ err: error }, 'queue figures unavailable for this scrape');
  }
}

/** Tenants named in the build metrics' `tenant` label; the others are summed as `other`. */
export const MAX_TENANT_LABELS = 20;

/** Recent build outcomes by tenant: the MAX_TENANT_LABELS busiest tenants by name, the rest as
 * `other`. Labels of tenants gone from the window are dropped (the gauge is rebuilt each scrape). */
export function setTenantOutcomes(metrics: Metrics, rows: ReadonlyArray<{ tenant: string; status: string; n: number }>): void {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.tenant, (totals.get(r.tenant) ?? 0) + Number(r.n));
  const named = new Set([...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_TENANT_LABELS).map(([t]) => t));
  const figures = new Map<string, number>();
  for (const r of rows) {
    const key = `${named.has(r.tenant) ? r.tenant : 'other'}\n${r.status}`;
    figures.set(key, (figures.get(key) ?? 0) + Number(r.n));
  }
  metrics.buildOutcomesByTenant.reset();
  for (const [key, n] of figures) {
    const [tenant, status] = key.split('\n');
    metrics.buildOutcomesByTenant.set({ tenant, status }, n);
  }
}
