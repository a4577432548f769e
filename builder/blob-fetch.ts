/**
 * Reads the binary files of a build's configuration (`file_blobs`) for the plan's userpatches
 * tree. Only blobs of the build's own configuration: the key includes it.
 */
import { and, eq } from 'drizzle-orm';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { fileBlobs } from '../shared/node/db/files-schema.ts';
import type { BlobFetcher } from './plan/plan-tree.ts';

export function blobFetcherFor(db: BuildsDb, configId: string): BlobFetcher {
  return async (sha256) => {
    const [row] = await db
      .select({ content: fileBlobs.content })
      .from(fileBlobs)
      .where(and(eq(fileBlobs.configId, configId), eq(fileBlobs.sha256, sha256)));
    return row?.content ?? null;
  };
}
