/**
 * Gauges read at scrape time: cheap snapshots of rooms, the committer and the build queue.
 */
import { sql } from 'drizzle-orm';
import type { BuildsContext } from './builds-context.ts';
import type { Metrics } from './metrics.ts';
import type { GroupCommitter } from './sync/group-committer.ts';
import { COMPACT_AFTER_UPDATES, type RoomManager } from './sync/room-manager.ts';
import type { ConnectionRegistry } from './ws-transport.ts';

/** Build durations are summarised over this many recent builds. */
const RECENT_BUILDS = 100;

export async function refreshGauges(deps: {
  metrics: Metrics;
  manager: RoomManager;
  committer: GroupCommitter;
  registry: ConnectionRegistry;
  builds: BuildsContext | null;
  compactAfterUpdates?: number;
}): Promise<void> {
  const { metrics, manager, committer } = deps;
  const threshold = deps.compactAfterUpdates ?? COMPACT_AFTER_UPDATES;
  metrics.connections.set(deps.registry.size);
  metrics.roomsLoaded.set(manager.rooms.size);
  metrics.unsaved.set(committer.pending);
  metrics.unsavedAge.set(committer.unsavedAgeMs() / 1000);
  metrics.docBytes.reset();
  metrics.logLength.reset();
  let backlog = 0;
  for (const room of manager.rooms.values()) {
    metrics.docBytes.set({ config: room.configId }, room.approxBytes);
    metrics.logLength.set({ config: room.configId }, room.tailCount);
    if (room.tailCount >= threshold) backlog += 1;
  }
  metrics.compactionBacklog.set(backlog);
  if (!deps.builds) return;
  try {
    const counts = await deps.builds.queue.getJobCounts('waiting', 'active', 'delayed');
    for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ state }, n);
    const rows = (await deps.builds.db.execute(sql`
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
    metrics.queueReachable.set(1);
  } catch {
    // Redis is away: say so as a figure instead of failing the whole scrape.
    metrics.queueReachable.set(0);
  }
}
