/** Deletes artifacts: the bytes first, then the row, so a row never points at nothing for longer
 * than one delete (a crash in between leaves a row whose bytes are gone; the next run deletes the
 * row, and a download in between gets a 404-like ENOENT). Two reasons to delete: the artifact
 * expired, or its configuration leaves the trash for good (the row would go by cascade, and the
 * bytes with nothing pointing at them would stay on disk forever). */
import { asc, and, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import { buildArtifacts, buildJobs } from '../db/builds-schema.ts';
import type { ArtifactStorage } from './artifact-storage.ts';
import type { BuildsDb } from './db.ts';

/** Rows handled per call: bounds one run's time; the scheduler calls again until none are left. */
export const ARTIFACT_CLEANUP_BATCH = 500;

type CleanupDeps = { db: BuildsDb; storage: ArtifactStorage; logger: Logger };

export async function deleteExpiredArtifacts(deps: CleanupDeps, now: Date = new Date()): Promise<number> {
  const deleted = await deleteArtifactsWhere(deps, lt(buildArtifacts.expiresAt, now));
  if (deleted > 0) deps.logger.info({ deleted }, 'deleted expired artifacts');
  return deleted;
}

/** Every artifact of every build of these configurations (their purge from the trash). */
export async function deleteArtifactsOfConfigs(deps: CleanupDeps, configIds: string[]): Promise<number> {
  if (configIds.length === 0) return 0;
  const ofConfigs = inArray(
    buildArtifacts.buildId,
    deps.db.select({ id: buildJobs.id }).from(buildJobs).where(inArray(buildJobs.configId, configIds)),
  );
  return deleteArtifactsWhere(deps, ofConfigs);
}

async function deleteArtifactsWhere(deps: CleanupDeps, condition: SQL): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await deps.db
      .select({ buildId: buildArtifacts.buildId, name: buildArtifacts.name, storageKey: buildArtifacts.storageKey })
      .from(buildArtifacts)
      .where(condition)
      .orderBy(asc(buildArtifacts.expiresAt))
      .limit(ARTIFACT_CLEANUP_BATCH);
    let batchDeleted = 0;
    for (const row of batch) {
      try {
        await deps.storage.delete(row.storageKey);
      } catch (err) {
        // Keep the row so the next run tries again; a leaked file is worse than a late delete.
        deps.logger.error({ err, buildId: row.buildId, name: row.name }, 'could not delete artifact');
        continue;
      }
      await deps.db
        .delete(buildArtifacts)
        .where(and(eq(buildArtifacts.buildId, row.buildId), eq(buildArtifacts.name, row.name)));
      batchDeleted += 1;
    }
    deleted += batchDeleted;
    // A full batch of undeletable files would otherwise be selected again forever.
    if (batch.length < ARTIFACT_CLEANUP_BATCH || batchDeleted === 0) break;
  }
  return deleted;
}
