/**
 * Reading the audit log: one organisation's entries, or one configuration's, newest first, with
 * filters and keyset pagination (`before` an entry id: a page never shifts when entries are added
 * meanwhile, and the cost of page 100 is that of page 1); and the retention purge.
 *
 * Entries name the actor by the account's current name, joined at read time; an account that is
 * gone leaves its label (or "deleted account") behind.
 */
import type { AuditEntry, AuditPage as SharedAuditPage } from '../../shared/audit-actions.ts';
import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { users } from '../../shared/node/db/auth-schema.ts';
import { auditLog } from '../../shared/node/db/orgs-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import type { AuditAction } from '../../shared/audit-actions.ts';
import type { Db } from '../db/connect.ts';

/** Whose entries: an organisation's (every configuration of it and the organisation itself), or
 * one configuration's. Exactly one is set. */
export type AuditScope = { orgId: string } | { configId: string };

export interface AuditFilter {
  actions?: readonly AuditAction[];
  actorId?: string;
  configId?: string;
  since?: Date;
  until?: Date;
  /** Entries older than this entry id (the previous page's `next`). */
  before?: number;
  limit: number;
}

/** An entry as the store reads it (shared/audit-actions.ts has the wire shape). */
export type AuditEntryView = AuditEntry<Date, string>;
export type AuditPage = SharedAuditPage<AuditEntryView>;

/** Rows deleted per statement by the retention purge: short transactions, no long lock. */
export const AUDIT_PURGE_BATCH = 5_000;

export interface AuditStore {
  page(scope: AuditScope, filter: AuditFilter): Promise<AuditPage>;
  /** Deletes entries older than their organisation's retention, and those without one older than
   * `personalDays`. Resolves with the number deleted. */
  purgeExpired(personalDays: number): Promise<number>;
}

const rows = <T>(r: unknown): T[] => ((r as { rows?: T[] }).rows ?? r) as T[];

export function createAuditStore(db: Db): AuditStore {
  return {
    async page(scope, filter) {
      const where: SQL[] = ['orgId' in scope ? eq(auditLog.orgId, scope.orgId) : eq(auditLog.configId, scope.configId)];
      if (filter.actions?.length) where.push(inArray(auditLog.action, [...filter.actions]));
      if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
      if (filter.configId) where.push(eq(auditLog.configId, filter.configId));
      if (filter.since) where.push(gte(auditLog.createdAt, filter.since));
      if (filter.until) where.push(lte(auditLog.createdAt, filter.until));
      if (filter.before !== undefined) where.push(lt(auditLog.id, filter.before));
      // One more than asked: whether there is a next page, without a count.
      const found = await db
        .select({
          id: auditLog.id,
          at: auditLog.createdAt,
          action: auditLog.action,
          actorId: auditLog.actorId,
          actorLabel: auditLog.actorLabel,
          userName: users.name,
          address: auditLog.address,
          orgId: auditLog.orgId,
          configId: auditLog.configId,
          configName: configs.name,
          target: auditLog.target,
        })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorId))
        .leftJoin(configs, eq(configs.id, auditLog.configId))
        .where(and(...where))
        .orderBy(desc(auditLog.id))
        .limit(filter.limit + 1);
      const more = found.length > filter.limit;
      const entries = found.slice(0, filter.limit).map(({ actorLabel, userName, target, ...e }) => ({
        ...e,
        actorName: userName ?? actorLabel ?? (e.actorId ? 'deleted account' : 'system'),
        target: (target ?? {}) as Record<string, unknown>,
      }));
      return { entries, next: more ? entries[entries.length - 1]!.id : null };
    },

    async purgeExpired(personalDays) {
      let total = 0;
      for (;;) {
        // Each organisation's own retention; entries of no organisation by the operator's.
        const deleted = rows<{ id: number }>(
          await db.execute(sql`
            delete from audit_log where id in (
              select a.id from audit_log a left join organisations o on o.id = a.org_id
              where (a.org_id is not null and a.created_at < now() - make_interval(days => o.audit_retention_days))
                 or (a.org_id is null and a.created_at < now() - make_interval(days => ${personalDays}::int))
              limit ${AUDIT_PURGE_BATCH}
            ) returning id`),
        );
        total += deleted.length;
        if (deleted.length < AUDIT_PURGE_BATCH) return total;
      }
    },
  };
}
