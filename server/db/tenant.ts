/**
 * Tenant transactions: Row-Level Security as the second line of isolation (issue #20 item 4,
 * docs/security.md "Tenant isolation"). Inside `withTenant`, every table that holds a
 * configuration's data shows (and accepts) only the rows of one tenant, so a query that forgets
 * its `where config_id = …` or joins the wrong row returns nothing of another tenant.
 *
 * How: the transaction takes the role `boardroom_tenant` (SET LOCAL ROLE; migration 0014 creates
 * it and grants it to the server's user) which owns no table, so the policies apply to it, and
 * names its tenant in the setting `boardroom.tenant`. Both are local to the transaction: the
 * connection goes back to the pool as it came. Outside tenant transactions the server is the
 * table owner and RLS does not apply (the commit path, compaction, builders, migrations): the
 * access checks are the first line there, and the insert triggers keep every row's org_id right.
 *
 * The tenant of a request is the organisation of the configuration it addresses (the one its
 * access check was made on), not of the person: a person may be in many organisations.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './connect.ts';

/** The role tenant transactions take (migration 0014). */
export const TENANT_ROLE = 'boardroom_tenant';
/** The tenant of personal configurations (org_id null). */
export const PERSONAL_TENANT = 'personal';

/** An organisation's id, or PERSONAL_TENANT. Anything else (e.g. '') sees nothing. */
export type Tenant = string;

/** The tenant whose rows a configuration of organisation `orgId` (null: personal) holds. */
export const tenantOfOrg = (orgId: string | null | undefined): Tenant => orgId ?? PERSONAL_TENANT;

export interface TenantOptions {
  /** The transaction's isolation level (it must be set before its first query). */
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
}

/** Runs `fn` in a transaction that sees only `tenant`'s rows. */
export async function withTenant<T>(db: Db, tenant: Tenant, fn: (tx: Db) => Promise<T>, options: TenantOptions = {}): Promise<T> {
  return db.transaction(async (tx) => {
    // One statement for both settings: a tenant transaction costs one round trip more than BEGIN.
    await tx.execute(sql`select set_config('boardroom.tenant', ${tenant}, true), set_config('role', ${TENANT_ROLE}, true)`);
    return fn(tx as unknown as Db);
  }, options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined);
}

/**
 * Runs `fn` as the tenant of configuration `configId`, read from the configuration in the same
 * statement that sets it (no extra round trip). An unknown configuration's tenant is '' and sees
 * nothing at all.
 */
export async function withConfigTenant<T>(db: Db, configId: string, fn: (tx: Db) => Promise<T>, options: TenantOptions = {}): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('boardroom.tenant',
        coalesce((select coalesce(org_id::text, ${PERSONAL_TENANT}) from configs where id = ${configId}::uuid), ''), true),
      set_config('role', ${TENANT_ROLE}, true)`);
    return fn(tx as unknown as Db);
  }, options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined);
}
