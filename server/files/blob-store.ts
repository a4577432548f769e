/**
 * Binary files' bytes, content-addressed per configuration: storing the same bytes twice is one
 * row, and a read names the configuration, so a hash copied from elsewhere reads nothing.
 *
 * Two implementations behind one interface, chosen by `OBJECT_STORE_URL` (docs/operations.md,
 * "Object storage"): the bytes in Postgres (`file_blobs.content`, the default), or in an
 * S3-compatible bucket with `file_blobs` as the index (`content` null). Either way the row is
 * what tenant isolation, `has` and the garbage collection (`blob-gc.ts`) work from.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { fileBlobs } from '../../shared/node/db/files-schema.ts';
import { objectKeyOf, type ObjectStore } from '../../shared/node/blobs/object-store.ts';
import type { Db } from '../db/connect.ts';
import type { BlobRef } from '../../shared/files/file-tree.ts';

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface BlobStore {
  /** Stores the bytes (again) and starts their grace period afresh (`file_blobs.last_put_at`). */
  put(configId: string, bytes: Uint8Array): Promise<BlobRef>;
  get(configId: string, sha256: string): Promise<Uint8Array | null>;
  /** Which of `hashes` the configuration holds. */
  has(configId: string, hashes: readonly string[]): Promise<Set<string>>;
  /**
   * Deletes those of `hashes` last put before `cutoff` (the caller has checked that nothing
   * references them). The age test is in the deleting statement itself, so bytes put again
   * meanwhile (an upload whose reference is on its way) are never deleted. Returns the deleted.
   */
  deleteStale(configId: string, hashes: readonly string[], cutoff: Date): Promise<string[]>;
}

/** The bytes in Postgres. */
export function createBlobStore(db: Db): BlobStore {
  return {
    async put(configId, bytes) {
      const sha256 = sha256Of(bytes);
      await db
        .insert(fileBlobs)
        .values({ configId, sha256, size: bytes.length, content: bytes })
        .onConflictDoUpdate({ target: [fileBlobs.configId, fileBlobs.sha256], set: { lastPutAt: sql`now()` } });
      return { sha256, size: bytes.length };
    },
    async get(configId, sha256) {
      const [row] = await db
        .select({ content: fileBlobs.content })
        .from(fileBlobs)
        .where(and(eq(fileBlobs.configId, configId), eq(fileBlobs.sha256, sha256)));
      return row?.content ?? null;
    },
    has: (configId, hashes) => hashesHeld(db, configId, hashes),
    async deleteStale(configId, hashes, cutoff) {
      if (hashes.length === 0) return [];
      const rows = await db
        .delete(fileBlobs)
        .where(and(eq(fileBlobs.configId, configId), inArray(fileBlobs.sha256, [...hashes]), lt(fileBlobs.lastPutAt, cutoff)))
        .returning({ sha256: fileBlobs.sha256 });
      return rows.map((r) => r.sha256);
    },
  };
}

/**
 * The bytes in an object store, indexed by `file_blobs` rows without content. Row and object
 * change together under the row's lock: a put upserts the row (taking its lock) and then writes
 * the object, in one transaction; a deletion deletes the row and then the object, in one
 * transaction. So a put of bytes that the collection is deleting waits for it and writes the
 * object again afterwards, and a failed object write leaves no row pointing at nothing. Rows from
 * before the store was configured still hold their bytes and are read from Postgres.
 */
export function createObjectBlobStore(db: Db, objects: ObjectStore): BlobStore {
  return {
    async put(configId, bytes) {
      const sha256 = sha256Of(bytes);
      await db.transaction(async (tx) => {
        await tx
          .insert(fileBlobs)
          .values({ configId, sha256, size: bytes.length, content: null })
          .onConflictDoUpdate({ target: [fileBlobs.configId, fileBlobs.sha256], set: { lastPutAt: sql`now()` } });
        await objects.put(objectKeyOf(configId, sha256), bytes);
      });
      return { sha256, size: bytes.length };
    },
    async get(configId, sha256) {
      const [row] = await db
        .select({ content: fileBlobs.content })
        .from(fileBlobs)
        .where(and(eq(fileBlobs.configId, configId), eq(fileBlobs.sha256, sha256)));
      if (!row) return null;
      return row.content ?? (await objects.get(objectKeyOf(configId, sha256)));
    },
    has: (configId, hashes) => hashesHeld(db, configId, hashes),
    async deleteStale(configId, hashes, cutoff) {
      const deleted: string[] = [];
      // One transaction per blob: an object store failure rolls back that row only (the next
      // sweep retries it) and no lock is held across many slow requests.
      for (const sha256 of hashes) {
        const gone = await db.transaction(async (tx) => {
          const [row] = await tx
            .delete(fileBlobs)
            .where(and(eq(fileBlobs.configId, configId), eq(fileBlobs.sha256, sha256), lt(fileBlobs.lastPutAt, cutoff)))
            .returning({ sha256: fileBlobs.sha256 });
          if (!row) return false;
          // Also for a row that held its bytes itself: a put since the store was configured
          // wrote the object too.
          await objects.delete(objectKeyOf(configId, sha256));
          return true;
        });
        if (gone) deleted.push(sha256);
      }
      return deleted;
    },
  };
}

async function hashesHeld(db: Db, configId: string, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db
    .select({ sha256: fileBlobs.sha256 })
    .from(fileBlobs)
    .where(and(eq(fileBlobs.configId, configId), inArray(fileBlobs.sha256, [...hashes])));
  return new Set(rows.map((r) => r.sha256));
}
