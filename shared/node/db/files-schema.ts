/**
 * The bytes of the binary files in configurations' userpatches trees (docs/architecture.md,
 * "Document layout", the files root): the document holds `{ sha256, size }`, this table the
 * content. Keyed by configuration as well as hash, so a reference copied from another
 * configuration (a sha256 seen in a manifest) never reads that configuration's bytes.
 * The same bytes give the same row. With an object store (`OBJECT_STORE_URL`, server/files/
 * object-blob-store.ts) the bytes live there and `content` is null: the row stays the index that
 * tenant isolation, existence checks and the garbage collection (server/files/blob-gc.ts) read.
 * Deleted with their configuration, or by the collection once nothing references them.
 */
import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from './bytea.ts';
import { configs } from './schema.ts';
import { tenantOrgId } from './tenant-column.ts';

export const fileBlobs = pgTable(
  'file_blobs',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    /** Null: the bytes are in the object store under the key `objectKeyOf(configId, sha256)`. */
    content: bytea('content'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** The last time these bytes were uploaded (a re-upload of stored bytes sets it again): the
     * garbage collection's grace period counts from here, so an upload whose reference reaches
     * the document a moment later is never collected in between. */
    lastPutAt: timestamp('last_put_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.configId, t.sha256] }), index('file_blobs_last_put_idx').on(t.lastPutAt)],
);
