/**
 * Binary files' bytes (`file_blobs`, shared/node/db/files-schema.ts), content-addressed per
 * configuration: storing the same bytes twice is one row, and a read names the configuration, so a
 * hash copied from elsewhere reads nothing.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { fileBlobs } from '../../shared/node/db/files-schema.ts';
import type { Db } from '../db/connect.ts';
import type { BlobRef } from '../../shared/files/file-tree.ts';

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface BlobStore {
  put(configId: string, bytes: Uint8Array): Promise<BlobRef>;
  get(configId: string, sha256: string): Promise<Uint8Array | null>;
  /** Which of `hashes` the configuration holds. */
  has(configId: string, hashes: readonly string[]): Promise<Set<string>>;
}

export function createBlobStore(db: Db): BlobStore {
  return {
    async put(configId, bytes) {
      const sha256 = sha256Of(bytes);
      await db.insert(fileBlobs).values({ configId, sha256, size: bytes.length, content: bytes }).onConflictDoNothing();
      return { sha256, size: bytes.length };
    },
    async get(configId, sha256) {
      const [row] = await db
        .select({ content: fileBlobs.content })
        .from(fileBlobs)
        .where(and(eq(fileBlobs.configId, configId), eq(fileBlobs.sha256, sha256)));
      return row?.content ?? null;
    },
    async has(configId, hashes) {
      if (hashes.length === 0) return new Set();
      const rows = await db
        .select({ sha256: fileBlobs.sha256 })
        .from(fileBlobs)
        .where(and(eq(fileBlobs.configId, configId), inArray(fileBlobs.sha256, [...hashes])));
      return new Set(rows.map((r) => r.sha256));
    },
  };
}
