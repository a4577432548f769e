/**
 * The audit log as a feature (docs/architecture.md, "Audit log"): reading and exporting it
 * (`routes.ts`) and the retention sweep (`audit-sweep.ts`), stopped on shutdown. Writing it is
 * `core.audit.record`, called by each feature where its change is committed.
 */
import type { Feature, FeatureCore } from '../features/feature.ts';
import { createAuditStore } from './audit-store.ts';
import { startAuditSweep, type AuditSweep } from './audit-sweep.ts';
import { configAuditRoutes, orgAuditRoutes } from './routes.ts';

export function auditFeature(core: FeatureCore): Feature & { sweep: AuditSweep } {
  const store = createAuditStore(core.db);
  const sweep = startAuditSweep({
    store,
    personalRetentionDays: core.settings.auditRetentionDays,
    intervalMs: core.settings.auditSweepIntervalMs,
    logger: core.logger,
  });
  const deps = { ...core, store };
  return {
    name: 'audit',
    routes: [
      { at: '/api/orgs', routes: orgAuditRoutes(deps) },
      { at: '/api/configs', routes: configAuditRoutes(deps) },
    ],
    shutdown: () => sweep.close(),
    sweep,
  };
}
