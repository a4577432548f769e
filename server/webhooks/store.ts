/**
 * Webhooks, deliveries and attempts in Postgres (shared/node/db/webhooks-schema.ts). Every query
 * that takes a webhook or delivery id also names its configuration (or webhook), so an id from
 * another configuration reads nothing.
 */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhooks } from '../../shared/node/db/webhooks-schema.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { Db } from '../db/connect.ts';
import type { AnyWebhookEventType, WebhookEvent } from './events.ts';

/** The context a webhook's signing secret is sealed under (`secret_sealed`): routes seal it, the
 * dispatcher opens it. Here, beside the row, so the routes need not load the dispatcher (BullMQ). */
export const secretContext = (webhookId: string) => `webhook:${webhookId}`;

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

/** What the owner sees of a webhook: everything but the secret. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const webhookView = (w: WebhookRow): WebhookView => ({
  id: w.id,
  url: w.url,
  events: w.events,
  active: w.active,
  createdBy: w.createdBy,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  createdAt: Date;
  lastAttemptAt: Date | null;
  attempts: Array<{ attempt: number; redelivery: boolean; at: Date; statusCode: number | null; durationMs: number; error: string | null; responseExcerpt: string | null }>;
}

export function createWebhookStore(db: Db) {
  return {
    async list(configId: string): Promise<WebhookRow[]> {
      return db.select().from(webhooks).where(eq(webhooks.configId, configId)).orderBy(webhooks.createdAt);
    },
    async count(configId: string): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(webhooks).where(eq(webhooks.configId, configId));
      return row?.n ?? 0;
    },
    async get(configId: string, webhookId: string): Promise<WebhookRow | null> {
      if (!isUuid(webhookId)) return null;
      const [row] = await db.select().from(webhooks).where(and(eq(webhooks.id, webhookId), eq(webhooks.configId, configId)));
      return row ?? null;
    },
    /** The id is chosen first: the sealed secret is bound to it. */
    async insert(row: { id: string; configId: string; url: string; events: string[]; secretSealed: string; active: boolean; createdBy: string | null }): Promise<WebhookRow> {
      const [created] = await db.insert(webhooks).values(row).returning();
      return created;
    },
    async update(configId: string, webhookId: string, patch: Partial<Pick<WebhookRow, 'url' | 'events' | 'active' | 'secretSealed'>>): Promise<WebhookRow | null> {
      if (!isUuid(webhookId)) return null;
      const [row] = await db
        .update(webhooks)
        .set({ ...patch, updatedAt: new Date() })
        .where(and(eq(webhooks.id, webhookId), eq(webhooks.configId, configId)))
        .returning();
      return row ?? null;
    },
    async remove(configId: string, webhookId: string): Promise<boolean> {
      if (!isUuid(webhookId)) return false;
      const rows = await db.delete(webhooks).where(and(eq(webhooks.id, webhookId), eq(webhooks.configId, configId))).returning({ id: webhooks.id });
      return rows.length > 0;
    },
    /** Active webhooks of the configuration subscribed to `type`. */
    async subscribers(configId: string, type: AnyWebhookEventType): Promise<WebhookRow[]> {
      return db
        .select()
        .from(webhooks)
        .where(and(eq(webhooks.configId, configId), eq(webhooks.active, true), sql`${webhooks.events} @> ${JSON.stringify([type])}::jsonb`));
    },
    /** One delivery per webhook and event: null when another process (or an earlier call)
     * already made it, so only one of them enqueues it. */
    async createDelivery(webhookId: string, event: WebhookEvent): Promise<string | null> {
      const rows = await db
        .insert(webhookDeliveries)
        .values({ webhookId, eventId: event.id, eventType: event.type, body: JSON.stringify(event) })
        .onConflictDoNothing({ target: [webhookDeliveries.webhookId, webhookDeliveries.eventId] })
        .returning({ id: webhookDeliveries.id });
      return rows[0]?.id ?? null;
    },
    async delivery(webhookId: string, deliveryId: string): Promise<DeliveryRow | null> {
      if (!isUuid(deliveryId)) return null;
      const [row] = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhookId)));
      return row ?? null;
    },
    /** What an attempt needs: the delivery and its webhook (null when either is gone). */
    async forAttempt(deliveryId: string): Promise<{ delivery: DeliveryRow; webhook: WebhookRow } | null> {
      if (!isUuid(deliveryId)) return null;
      const [row] = await db.select({ delivery: webhookDeliveries, webhook: webhooks }).from(webhookDeliveries).innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId)).where(eq(webhookDeliveries.id, deliveryId));
      return row ?? null;
    },
    /** Counts the attempt first (its number), so two workers never write the same number. */
    async nextAttempt(deliveryId: string): Promise<number> {
      const [row] = await db
        .update(webhookDeliveries)
        .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, lastAttemptAt: new Date() })
        .where(eq(webhookDeliveries.id, deliveryId))
        .returning({ attempts: webhookDeliveries.attempts });
      return row?.attempts ?? 0;
    },
    async recordAttempt(deliveryId: string, attempt: Omit<typeof webhookAttempts.$inferInsert, 'deliveryId' | 'id'>, status: 'pending' | 'succeeded' | 'failed'): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.insert(webhookAttempts).values({ deliveryId, ...attempt });
        await tx.update(webhookDeliveries).set({ status }).where(eq(webhookDeliveries.id, deliveryId));
      });
    },
    /** Deliveries never attempted and older than `olderThanMs`: made by a process that died (or
     * lost Redis) before it queued them. */
    /** The delivery's organisation (null: personal; undefined: no such delivery), for its job's name. */
    async orgOf(deliveryId: string): Promise<string | null | undefined> {
      const [row] = await db.select({ orgId: webhookDeliveries.orgId }).from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
      return row ? row.orgId : undefined;
    },
    async unqueued(olderThanMs: number, limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.status, 'pending'), eq(webhookDeliveries.attempts, 0), lt(webhookDeliveries.createdAt, new Date(Date.now() - olderThanMs))))
        .orderBy(webhookDeliveries.createdAt)
        .limit(limit);
      return rows.map((r) => r.id);
    },
    async markPending(deliveryId: string): Promise<void> {
      await db.update(webhookDeliveries).set({ status: 'pending' }).where(eq(webhookDeliveries.id, deliveryId));
    },
    /** The newest deliveries of a webhook with their attempts, oldest attempt first. */
    async deliveries(webhookId: string, limit: number): Promise<DeliveryView[]> {
      const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).orderBy(desc(webhookDeliveries.createdAt)).limit(limit);
      if (rows.length === 0) return [];
      const attempts = await db
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, rows.map((r) => r.id)))
        .orderBy(webhookAttempts.attempt);
      return rows.map((r) => ({
        id: r.id,
        eventId: r.eventId,
        eventType: r.eventType,
        status: r.status,
        createdAt: r.createdAt,
        lastAttemptAt: r.lastAttemptAt,
        attempts: attempts
          .filter((a) => a.deliveryId === r.id)
          .map((a) => ({ attempt: a.attempt, redelivery: a.redelivery, at: a.at, statusCode: a.statusCode, durationMs: a.durationMs, error: a.error, responseExcerpt: a.responseExcerpt })),
      }));
    },
  };
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;
