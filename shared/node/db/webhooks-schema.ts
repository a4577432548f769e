/**
 * Webhooks of a configuration, what was sent to them and how each attempt went (docs/webhooks.md).
 * The signing secret is stored sealed (shared/node/secrets/sealed.ts), never in the clear. A
 * delivery is one event for one webhook: `(webhook_id, event_id)` is unique, so every server
 * process may hear the same fact (a build's status arrives at each of them) and only one delivery
 * is made. Everything goes with its configuration.
 */
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth-schema.ts';
import { configs } from './schema.ts';
import { tenantOrgId } from './tenant-column.ts';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const webhooks = pgTable(
  'webhooks',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    id: uuid('id').primaryKey().defaultRandom(),
    configId: uuid('config_id')
      .notNull()
      .references(() => configs.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** Event types it is sent (server/webhooks/events.ts `WEBHOOK_EVENT_TYPES`). */
    events: jsonb('events').$type<string[]>().notNull(),
    /** The signing secret, sealed with the deployment's SECRETS_KEY for `webhook:<id>`. */
    secretSealed: text('secret_sealed').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('webhooks_config_idx').on(t.configId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    /** Sent as `Boardroom-Delivery`. */
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    /** The event's deterministic id: the same on every attempt and redelivery. */
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The exact JSON body sent on every attempt (only the signature's timestamp changes). */
    body: text('body').notNull(),
    /** pending | succeeded | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastAttemptAt: ts('last_attempt_at'),
  },
  (t) => [uniqueIndex('webhook_deliveries_event_idx').on(t.webhookId, t.eventId), index('webhook_deliveries_recent_idx').on(t.webhookId, t.createdAt)],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    /** The tenant (tenant-column.ts): set by a trigger from the configuration, never by the application. */
    orgId: tenantOrgId(),
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** 1, 2, … over the delivery's whole life (redeliveries continue the count). */
    attempt: integer('attempt').notNull(),
    redelivery: boolean('redelivery').notNull().default(false),
    at: ts('at').notNull().defaultNow(),
    /** The receiver's HTTP status; null when no answer came (refused address, timeout, network). */
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    /** The first bytes of the answer's body (server/webhooks/delivery.ts caps it). */
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.attempt)],
);
