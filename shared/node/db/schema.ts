/**
 * Tables of the sync core. Every DDL statement is generated from these by drizzle-kit into
 * `migrations/`; nothing creates tables at run time.
 */
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from './bytea.ts';
import { organisations } from './orgs-schema.ts';
import { tenantOrgId } from './tenant-column.ts';

export const configs = pgTable(
  'configs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The person who created it; null only for configurations made before accounts existed. */
    ownerId: uuid('owner_id'),
    /** The organisation it belongs to (orgs-schema.ts); null: a personal configuration. */
    orgId: uuid('org_id').references(() => organisations.id),
    /** Builds of this configuration need an approved review of the exact state (issue: reviews). */
    requireApproval: boolean('require_approval').notNull().default(false),
    /** How many approvals that count (server/review/approval-rules.ts) a state needs to be built. */
    requiredApprovals: integer('required_approvals').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('configs_org_idx').on(t.orgId)],
);

/**
 * Append-only update log. Rows are only ever deleted by compaction, in the same transaction that
 * writes a snapshot containing them, and only the exact rows that snapshot was built from. Each
 * row belongs to one document of its configuration (`doc_name`, a declared name of
 * shared/doc-layout.ts `CONFIG_DOCUMENTS`; rows stored before there were several are `main`).
 */
export const docUpdates = pgTable(
  'doc_updates',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    docName: text('doc_name').notNull().default('main'),
    update: bytea('update').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  // One document's rows in order: loads, catch-ups, tail sizes and compaction read exactly that.
  (t) => [index('doc_updates_doc_idx').on(t.configId, t.docName, t.id)],
);

/** One compacted Yjs state per document of a configuration: the merge of every update deleted
 * from that document's log. */
export const docSnapshots = pgTable(
  'doc_snapshots',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    docName: text('doc_name').notNull().default('main'),
    state: bytea('state').notNull(),
    /** How many log rows have been folded into this snapshot over its life (for metrics). */
    foldedUpdates: integer('folded_updates').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.configId, t.docName] })],
);

/** Each person's saved workspace layout (golden-layout's LayoutConfig as JSON). */
export const userLayouts = pgTable('user_layouts', {
  userId: text('user_id').primaryKey(),
  layout: jsonb('layout').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
