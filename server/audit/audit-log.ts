/**
 * The audit log (architecture.md, "Audit log"): one row per event that changes who may do what
 * or what gets built — membership, teams, policies, share links, secrets (never their values),
 * builds — with the actor, the time and the caller's address. Entries of an organisation's
 * configurations carry the organisation id; a personal configuration's carry none.
 *
 * `record` never throws into the caller: an audit row that cannot be written is logged as an
 * error (the change it describes has already been committed and is not undone).
 */
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AuditAction } from '../../shared/audit-actions.ts';
import { auditLog } from '../../shared/node/db/orgs-schema.ts';
import type { Db } from '../db/connect.ts';
import { addressOf } from '../request-context.ts';

export interface AuditEntry {
  /** What happened (shared/audit-actions.ts). */
  action: AuditAction;
  /** Who did it: an account id, or null for a guest or the system. */
  actorId: string | null;
  /** How to name the actor when the account is gone or is none (a guest's link, "system"). */
  actorLabel?: string | null;
  /** The organisation; when absent and `configId` is given, the configuration's organisation. */
  orgId?: string | null;
  configId?: string | null;
  /** What it was done to, and how (ids, roles, names): never a secret value. */
  target?: Record<string, unknown>;
  /** How the actor acted when not in person (`token brt_…`): stored as `target.via`. */
  via?: string | null;
  /** Defaults to the address of the request being served. */
  address?: string | null;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

export function createAuditLog(db: Db, logger: Logger): AuditLog {
  return {
    async record(entry) {
      const address = entry.address !== undefined ? entry.address : addressOf();
      try {
        await db.insert(auditLog).values({
          orgId: entry.orgId ?? (entry.configId ? sql`(select org_id from configs where id = ${entry.configId}::uuid)` : null),
          configId: entry.configId ?? null,
          actorId: entry.actorId,
          actorLabel: entry.actorLabel ?? null,
          address,
          action: entry.action,
          target: entry.via ? { ...entry.target, via: entry.via } : (entry.target ?? {}),
        });
      } catch (err) {
        logger.error({ err, action: entry.action, configId: entry.configId ?? null }, 'audit entry not written');
      }
    },
  };
}
