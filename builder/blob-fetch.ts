/**
 * Reads the binary files of a build's configuration (`file_blobs`) for the plan's userpatches
 * tree. Only blobs of the build's own configuration: the key includes it. A row without content
 * has its bytes in the object store (OBJECT_STORE_URL, server/files/blob-store.ts).
 */
import { and, eq } from 'drizzle-orm';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { objectKeyOf, type ObjectStore } from '../shared/node/blobs/object-store.ts';
import { fileBlobs } from '../shared/node/db/files-schema.ts';
import type { BlobFetcher } from './plan/plan-tree.ts';

export function blobFetcherFor(db: BuildsDb, configId: string, objects: ObjectStore | null = null): BlobFetcher {
  return async (sha256) => {
    const [row] = await db
      .select({ content: fileBlobs.content })
      .from(fileBlobs)
      .where(and(eq(fileBlobs.configId, configId), eq(fileBlobs.sha256, sha256)));
    if (!row) return null;
    if (row.content) return row.content;
    return objects ? objects.get(objectKeyOf(configId, sha256)) : null;
  };
}
