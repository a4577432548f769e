/**
 * Tables of the sync core. Every DDL statement is generated from these by drizzle-kit into
 * `migrations/`; nothing creates tables at run time.
 */
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { bytea } from './bytea.ts';

export const configs = pgTable('configs', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** The person who created it; null only for configurations made before accounts existed. */
  ownerId: uuid('owner_id'),
  /** Builds of this configuration need an approved review of the exact state (issue: reviews). */
  requireApproval: boolean('require_approval').notNull().default(false),
  /** How many approvals that count (server/review/approval-rules.ts) a state needs to be built. */
  requiredApprovals: integer('required_approvals').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
});

/**
 * Append-only update log. Rows are only ever deleted by compaction, in the same transaction that
 * writes a snapshot containing them, and only the exact rows that snapshot was built from.
 */
export const docUpdates = pgTable(
  'doc_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    update: bytea('update').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('doc_updates_config_idx').on(t.configId, t.id)],
);

/** One compacted Yjs state per configuration: the merge of every update deleted from the log. */
export const docSnapshots = pgTable('doc_snapshots', {
  configId: uuid('config_id')
    .primaryKey()
    .references(() => configs.id, { onDelete: 'cascade' }),
  state: bytea('state').notNull(),
  /** How many log rows have been folded into this snapshot over its life (for metrics). */
  foldedUpdates: integer('folded_updates').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Each person's saved workspace layout (golden-layout's LayoutConfig as JSON). */
export const userLayouts = pgTable('user_layouts', {
  userId: text('user_id').primaryKey(),
  layout: jsonb('layout').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
