/**
 * The expiry sweep: the only thing that deletes a configuration for good, once it has been in the
 * trash for the retention period. Every server process runs it; the purge is one idempotent
 * statement, so running it in many processes at once deletes each row exactly once.
 */
import type { Logger } from 'pino';
import type { TrashStore } from './trash-store.ts';

/** Deletes the stored bytes of every artifact of these configurations (their rows would go by
 * cascade and leave the files behind): `deleteArtifactsOfConfigs` bound to the artifact storage. */
export type DeleteArtifactsOf = (configIds: string[]) => Promise<number>;

/** How often the sweep runs. Retention is counted in days; an hour late is no one's loss, and
 * the statement is an index-less scan of `configs`, cheap at this rate. */
export const TRASH_SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export interface TrashSweep {
  /** One pass now (also what the timer runs); resolves with the purged ids. */
  runOnce(): Promise<string[]>;
  close(): void;
}

export function startTrashSweep(deps: {
  store: TrashStore;
  retentionDays: number;
  logger: Logger;
  /** Absent where no builds run (no Redis): then no artifact was ever stored. */
  deleteArtifactsOf?: DeleteArtifactsOf;
  intervalMs?: number;
}): TrashSweep {
  const runOnce = async () => {
    // Artifact bytes first, then the configuration: a crash in between leaves an expired
    // configuration without artifacts, which the next pass deletes; the other order would leave
    // files that nothing points at.
    if (deps.deleteArtifactsOf) await deps.deleteArtifactsOf(await deps.store.listExpired(deps.retentionDays));
    const purged = await deps.store.purgeExpired(deps.retentionDays);
    if (purged.length > 0) deps.logger.info({ purged, retentionDays: deps.retentionDays }, 'trash sweep: configurations deleted for good');
    return purged;
  };
  const tick = () =>
    void runOnce().catch((err: unknown) => {
      // Postgres away: the next pass retries; nothing is lost by purging late.
      deps.logger.warn({ err }, 'trash sweep failed; retrying at the next pass');
    });
  const first = setTimeout(tick, 0);
  const timer = setInterval(tick, deps.intervalMs ?? TRASH_SWEEP_INTERVAL_MS);
  first.unref();
  timer.unref();
  return {
    runOnce,
    close() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
