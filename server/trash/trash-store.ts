/**
 * The trash: a deleted configuration keeps every row (document, history, versions, comments,
 * builds, shares) with `configs.deleted_at` set, which hides it from every route and the sync
 * endpoint (each lookup asks for `deleted_at is null`). Restoring clears the mark; only the expiry
 * sweep (`trash-sweep.ts`) deletes the row for good, and the foreign keys cascade from there.
 */
import { and, desc, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { configs } from '../../shared/node/db/schema.ts';
import type { Db } from '../db/connect.ts';
import { isUuid } from '../../shared/uuid.ts';

export interface TrashedConfig {
  id: string;
  name: string;
  deletedAt: Date;
  updatedAt: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const cutoffOf = (retentionDays: number, now: Date) => new Date(now.getTime() - retentionDays * DAY_MS);

export function createTrashStore(db: Db) {
  const trashedColumns = { id: configs.id, name: configs.name, deletedAt: configs.deletedAt, updatedAt: configs.updatedAt };
  return {
    /** The configurations `userId` owns that are in the trash, most recently deleted first. */
    async listOwned(userId: string): Promise<TrashedConfig[]> {
      const rows = await db
        .select(trashedColumns)
        .from(configs)
        .where(and(eq(configs.ownerId, userId), isNotNull(configs.deletedAt)))
        .orderBy(desc(configs.deletedAt));
      return rows as TrashedConfig[];
    },

    /** Restores `id` when it is in the trash and `user` owns it (admins own all); null otherwise. */
    async restore(id: string, user: { id: string; isAdmin: boolean }): Promise<{ id: string; name: string; updatedAt: Date } | null> {
      if (!isUuid(id)) return null;
      const owned = user.isAdmin ? sql`true` : eq(configs.ownerId, user.id);
      const [row] = await db
        .update(configs)
        .set({ deletedAt: null })
        .where(and(eq(configs.id, id), isNotNull(configs.deletedAt), owned))
        .returning({ id: configs.id, name: configs.name, updatedAt: configs.updatedAt });
      return row ?? null;
    },

    /** The configurations in the trash longer than `retentionDays`, due to be deleted for good. */
    async listExpired(retentionDays: number, now = new Date()): Promise<string[]> {
      const rows = await db
        .select({ id: configs.id })
        .from(configs)
        .where(and(isNotNull(configs.deletedAt), lt(configs.deletedAt, cutoffOf(retentionDays, now))));
      return rows.map((r) => r.id);
    },

    /** Deletes for good what has been in the trash longer than `retentionDays`. One statement,
     * idempotent: any number of processes may run it at once; a row goes exactly once. */
    async purgeExpired(retentionDays: number, now = new Date()): Promise<string[]> {
      const rows = await db
        .delete(configs)
        .where(and(isNotNull(configs.deletedAt), lt(configs.deletedAt, cutoffOf(retentionDays, now))))
        .returning({ id: configs.id });
      return rows.map((r) => r.id);
    },
  };
}

export type TrashStore = ReturnType<typeof createTrashStore>;

/** When a configuration deleted at `deletedAt` leaves the trash for good. */
export function purgeDate(deletedAt: Date, retentionDays: number): Date {
  return new Date(deletedAt.getTime() + retentionDays * DAY_MS);
}
