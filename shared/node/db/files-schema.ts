/**
 * The bytes of the binary files in configurations' userpatches trees (docs/architecture.md,
 * "Document layout", the files root): the document holds `{ sha256, size }`, this table the
 * content. Keyed by configuration as well as hash, so a reference copied from another
 * configuration (a sha256 seen in a manifest) never reads that configuration's bytes.
 * Rows are never rewritten: the same bytes give the same row. Deleted with their configuration.
 */
import { integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.configId, t.sha256] })],
);
