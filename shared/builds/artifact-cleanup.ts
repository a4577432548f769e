/** Deletes expired artifacts: the bytes first, then the row, so a row never points at nothing
 * for longer than one delete (a crash in between leaves a row whose bytes are gone; the next run
 * deletes the row, and a download in between gets a 404-like ENOENT). */
import { asc, and, eq, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import { buildArtifacts } from '../db/builds-schema.ts';
import type { ArtifactStorage } from './artifact-storage.ts';
import type { BuildsDb } from './db.ts';

/** Rows handled per call: bounds one run's time; the scheduler calls again until none are left. */
export const ARTIFACT_CLEANUP_BATCH = 500;

export async function deleteExpiredArtifacts(
  deps: { db: BuildsDb; storage: ArtifactStorage; logger: Logger },
  now: Date = new Date(),
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const expired = await deps.db
      .select({ buildId: buildArtifacts.buildId, name: buildArtifacts.name, storageKey: buildArtifacts.storageKey })
      .from(buildArtifacts)
      .where(lt(buildArtifacts.expiresAt, now))
      .orderBy(asc(buildArtifacts.expiresAt))
      .limit(ARTIFACT_CLEANUP_BATCH);
    let batchDeleted = 0;
    for (const row of expired) {
      try {
        await deps.storage.delete(row.storageKey);
      } catch (err) {
        // Keep the row so the next run tries again; a leaked file is worse than a late delete.
        deps.logger.error({ err, buildId: row.buildId, name: row.name }, 'could not delete expired artifact');
        continue;
      }
      await deps.db
        .delete(buildArtifacts)
        .where(and(eq(buildArtifacts.buildId, row.buildId), eq(buildArtifacts.name, row.name)));
      batchDeleted += 1;
    }
    deleted += batchDeleted;
    // A full batch of undeletable files would otherwise be selected again forever.
    if (expired.length < ARTIFACT_CLEANUP_BATCH || batchDeleted === 0) break;
  }
  if (deleted > 0) deps.logger.info({ deleted }, 'deleted expired artifacts');
  return deleted;
}
