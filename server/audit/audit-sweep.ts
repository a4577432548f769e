/**
 * The retention sweep: deletes audit entries older than their organisation's
 * `audit_retention_days`, and entries of no organisation (personal configurations) older than
 * AUDIT_RETENTION_DAYS. Every server process runs it; the delete is idempotent, so two processes
 * sweeping at once delete each row once.
 */
import type { Logger } from 'pino';
import type { AuditStore } from './audit-store.ts';

export interface AuditSweep {
  /** One pass now (also what the timer runs); resolves with the number of entries deleted. */
  runOnce(): Promise<number>;
  close(): void;
}

export function startAuditSweep(deps: { store: AuditStore; personalRetentionDays: number; intervalMs: number; logger: Logger }): AuditSweep {
  const runOnce = async () => {
    const deleted = await deps.store.purgeExpired(deps.personalRetentionDays);
    if (deleted > 0) deps.logger.info({ deleted }, 'audit sweep: entries past their retention deleted');
    return deleted;
  };
  const tick = () =>
    void runOnce().catch((err: unknown) => {
      // Postgres away: the next pass retries; entries kept a little longer harm no one.
      deps.logger.warn({ err }, 'audit sweep failed; retrying at the next pass');
    });
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();
  return { runOnce, close: () => clearInterval(timer) };
}
