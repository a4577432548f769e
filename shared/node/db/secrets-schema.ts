/**
 * First-boot secrets of a configuration (shared/firstboot-secrets.ts; docs/security.md,
 * "First-boot secrets"): one row per configuration and name, the value sealed with the
 * deployment's SECRETS_KEY for `config-secret:<config id>:<name>` (shared/node/secrets/sealed.ts),
 * never in the clear and never in the document. `value_id` is new on every change: builds record
 * it (not the value) in their content hash.
 */
import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth-schema.ts';
import { configs } from './schema.ts';
import { tenantOrgId } from './tenant-column.ts';

export const configSecrets = pgTable(
  'config_secrets',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    sealed: text('sealed').notNull(),
    valueId: uuid('value_id').notNull().defaultRandom(),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    /** The name shown for who changed it, as the change log keeps it. */
    updatedByName: text('updated_by_name').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.configId, t.name] })],
);
