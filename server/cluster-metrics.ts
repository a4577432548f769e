/**
 * Metrics of the link between server processes and of what keeps them equal to Postgres: the
 * bus, catch-ups, access re-validation, connections per room, disconnects and build requests.
 * No label ever carries a configuration id (one series per configuration would grow without
 * bound); labels are small fixed sets (a reason, a close code, an outcome).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CatchUpObserver } from './sync/room-catch-up.ts';
import type { BusObserver } from './sync/room-bus.ts';
import type { RevalidationObserver } from './auth/access-revalidation.ts';

/** Cross-process delivery (seconds): ~1 ms on one host, tens of ms across a data centre. */
const DELIVERY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Connections in one room: one person, a pair, a team, a class, a crowd (limit 500 per process). */
const ROOM_CONNECTION_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];
/** Rows read back by one catch-up. */
const CATCH_UP_ROW_BUCKETS = [1, 2, 5, 10, 50, 100, 500, 1000];

export function createClusterMetrics(registry: Registry) {
  const registers = [registry];
  const m = {
    busPublishFailures: new Counter({ name: 'boardroom_bus_publish_failures_total', help: 'Publications to the Redis bus that failed (peers catch up from Postgres)', registers }),
    busUp: new Gauge({ name: 'boardroom_bus_up', help: '1 while both Redis bus connections (publish, subscribe) are ready, else 0', registers }),
    busDelivery: new Histogram({
      name: 'boardroom_bus_delivery_seconds',
      help: 'From a peer publishing a message to this process receiving it (wall clocks of both hosts)',
      buckets: DELIVERY_BUCKETS,
      registers,
    }),
    catchUps: new Counter({ name: 'boardroom_catchups_total', help: 'Rooms that received missing stored rows from Postgres, by cause', labelNames: ['reason'], registers }),
    catchUpRows: new Histogram({ name: 'boardroom_catchup_rows', help: 'Stored rows one catch-up applied', buckets: CATCH_UP_ROW_BUCKETS, registers }),
    catchUpBytes: new Counter({ name: 'boardroom_catchup_bytes_total', help: 'Bytes of stored rows and snapshots applied by catch-ups', registers }),
    catchUpQueries: new Counter({ name: 'boardroom_catchup_queries_total', help: 'Catch-up queries (one per run, all rooms at once), by result', labelNames: ['result'], registers }),
    revalidations: new Counter({ name: 'boardroom_access_revalidations_total', help: 'Re-checks of every live connection against Postgres, by result', labelNames: ['result'], registers }),
    revalidationActions: new Counter({
      name: 'boardroom_access_revalidation_actions_total',
      help: 'Live connections a re-check closed or changed the role of (access changes the bus did not deliver)',
      labelNames: ['action'],
      registers,
    }),
    roomConnections: new Histogram({
      name: 'boardroom_room_connections',
      help: 'Connections per loaded room, recomputed at each scrape',
      buckets: ROOM_CONNECTION_BUCKETS,
      registers,
    }),
    disconnects: new Counter({ name: 'boardroom_disconnects_total', help: 'Sync connections closed, by WebSocket close code', labelNames: ['code'], registers }),
    buildRequests: new Counter({
      name: 'boardroom_build_requests_total',
      help: 'Build requests this server answered, by outcome (accepted, deduplicated, queue_unavailable, refused)',
      labelNames: ['outcome'],
      registers,
    }),
  };
  const bus: BusObserver = {
    publishFailed: () => m.busPublishFailures.inc(),
    linkState: (up) => m.busUp.set(up ? 1 : 0),
    delivered: (s) => m.busDelivery.observe(s),
  };
  const catchUp: CatchUpObserver = {
    caughtUp(reason, updates, bytes) {
      if (updates === 0 && bytes === 0) return;
      m.catchUps.inc({ reason });
      m.catchUpRows.observe(updates);
      m.catchUpBytes.inc(bytes);
    },
    queried: (ok) => m.catchUpQueries.inc({ result: ok ? 'ok' : 'failed' }),
  };
  const revalidation: RevalidationObserver = {
    ran: (ok) => m.revalidations.inc({ result: ok ? 'ok' : 'failed' }),
    acted: (action) => m.revalidationActions.inc({ action }),
  };
  return { ...m, bus, catchUp, revalidation };
}

export type ClusterMetrics = ReturnType<typeof createClusterMetrics>;

/** Recomputes the connections-per-room histogram from the loaded rooms (at scrape time). */
export function refreshRoomConnections(metrics: ClusterMetrics, rooms: Iterable<{ connections: { size: number } }>): void {
  metrics.roomConnections.reset();
  for (const room of rooms) metrics.roomConnections.observe(room.connections.size);
}
