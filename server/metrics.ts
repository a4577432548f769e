/**
 * Prometheus metrics (`GET /metrics`), on a registry of this server's own (no global default
 * registry: two servers in one test process must not share counters). Names and meanings are
 * documented in docs/operations.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createClusterMetrics } from './cluster-metrics.ts';

/** Fan-out latency buckets (seconds): a commit is ~1–5 ms, anything past a second is an incident. */
const LATENCY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 500, 1000, 5000];

export interface SyncObserver {
  /** A client's change reached the other clients this long after it arrived (commit included). */
  fannedOut(seconds: number): void;
  /** A client message was refused; `reason` is a close-code name or a short word. */
  rejected(reason: string): void;
  applied(): void;
  /** A sync connection closed with this WebSocket close code. */
  disconnected?(code: number): void;
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'boardroom_' });
  const m = {
    registry,
    connections: new Gauge({ name: 'boardroom_connections', help: 'Open sync WebSocket connections', registers: [registry] }),
    roomsLoaded: new Gauge({ name: 'boardroom_rooms_loaded', help: 'Configurations held in memory', registers: [registry] }),
    updates: new Counter({ name: 'boardroom_updates_total', help: 'Document updates applied from clients (rate() gives updates/s)', registers: [registry] }),
    fanout: new Histogram({
      name: 'boardroom_fanout_latency_seconds',
      help: 'From a client update arriving to it being sent to the other clients (includes the commit)',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    commitLatency: new Histogram({ name: 'boardroom_commit_duration_seconds', help: 'Group commit transaction time', buckets: LATENCY_BUCKETS, registers: [registry] }),
    commitBatch: new Histogram({ name: 'boardroom_commit_batch_size', help: 'Updates per group commit', buckets: BATCH_BUCKETS, registers: [registry] }),
    commitFailures: new Counter({ name: 'boardroom_commit_failures_total', help: 'Group commits that failed (retried)', registers: [registry] }),
    unsavedAge: new Gauge({ name: 'boardroom_unsaved_age_seconds', help: 'Age of the oldest update not yet committed (0 when all saved)', registers: [registry] }),
    unsaved: new Gauge({ name: 'boardroom_unsaved_updates', help: 'Updates waiting for commit', registers: [registry] }),
    // No per-configuration labels: a config id in a label is a capability-ish identifier handed to
    // whoever scrapes, and one series per document does not scale. Largest and total say enough.
    docBytesMax: new Gauge({ name: 'boardroom_document_bytes_max', help: 'Approximate encoded size of the largest loaded configuration', registers: [registry] }),
    docBytesTotal: new Gauge({ name: 'boardroom_documents_bytes', help: 'Approximate encoded size of all loaded configurations together', registers: [registry] }),
    logLengthMax: new Gauge({ name: 'boardroom_update_log_length_max', help: 'Longest update log not yet folded into a snapshot, over the loaded configurations', registers: [registry] }),
    compactionBacklog: new Gauge({ name: 'boardroom_compaction_backlog', help: 'Loaded configurations whose log is past the compaction threshold', registers: [registry] }),
    validationFailures: new Counter({ name: 'boardroom_validation_failures_total', help: 'Validations that found errors', registers: [registry] }),
    repairs: new Counter({ name: 'boardroom_shape_repairs_total', help: 'Paths repaired by compensating transactions', registers: [registry] }),
    rejected: new Counter({ name: 'boardroom_rejected_messages_total', help: 'Client messages or connections refused, by reason', labelNames: ['reason'], registers: [registry] }),
    hookFailures: new Counter({
      name: 'boardroom_feature_hook_failures_total',
      help: 'Room hooks of a feature that threw or rejected (logged; the room went on), by feature and hook',
      labelNames: ['feature', 'hook'],
      registers: [registry],
    }),
    httpRequests: new Counter({ name: 'boardroom_http_requests_total', help: 'REST requests by status class', labelNames: ['status'], registers: [registry] }),
    bodyTooLarge: new Counter({ name: 'boardroom_http_body_too_large_total', help: 'REST requests refused with 413 because the body passed the limit', registers: [registry] }),
    processErrors: new Counter({
      name: 'boardroom_process_errors_total',
      help: 'Errors no code path handled, by kind (unhandledRejection, uncaughtException)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    queueReachable: new Gauge({ name: 'boardroom_build_queue_reachable', help: '1 when the build queue answered the last scrape, else 0', registers: [registry] }),
    queueDepth: new Gauge({ name: 'boardroom_build_queue_depth', help: 'Build jobs waiting or running, by state', labelNames: ['state'], registers: [registry] }),
    buildOutcomes: new Gauge({
      name: 'boardroom_builds_finished_recent',
      help: 'Builds that finished in the last 24 hours, by final status (read from Postgres, the same on every server)',
      labelNames: ['status'],
      registers: [registry],
    }),
    // The tenant is a label of build metrics only (docs/operations.md, "Metrics"): an organisation
    // id, `personal` or `other`; at most MAX_TENANT_LABELS tenants are named, so its cardinality
    // stays bounded however many organisations there are.
    buildOutcomesByTenant: new Gauge({
      name: 'boardroom_builds_finished_recent_by_tenant',
      help: 'Builds that finished in the last 24 hours, by tenant (organisation id, personal, or other beyond the busiest) and final status',
      labelNames: ['tenant', 'status'],
      registers: [registry],
    }),
    buildDuration: new Gauge({
      name: 'boardroom_build_duration_seconds',
      help: 'Duration of the last 100 finished builds, by quantile',
      labelNames: ['quantile'],
      registers: [registry],
    }),
  };
  const observer: SyncObserver = {
    fannedOut: (s) => m.fanout.observe(s),
    rejected: (reason) => m.rejected.inc({ reason }),
    applied: () => m.updates.inc(),
    disconnected: (code) => cluster.disconnects.inc({ code: String(code) }),
  };
  const cluster = createClusterMetrics(registry);
  return { ...m, observer, cluster };
}

export type Metrics = ReturnType<typeof createMetrics>;
