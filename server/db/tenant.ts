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
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './connect.ts';

/** The role tenant transactions take (migration 0014). */
export const TENANT_ROLE = 'boardroom_tenant';
import { PERSONAL_TENANT, type Tenant } from '../../shared/tenant.ts';

export { PERSONAL_TENANT, tenantOfOrg, type Tenant } from '../../shared/tenant.ts';

export interface TenantOptions {
  /** The transaction's isolation level (it must be set before its first query). */
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
}

/** Runs `fn` in a transaction that sees only `tenant`'s rows. Round trips: BEGIN, the settings
 * pipelined with fn's first query, fn's other queries, COMMIT. */
export async function withTenant<T>(db: Db, tenant: Tenant, fn: (tx: Db) => Promise<T>, options: TenantOptions = {}): Promise<T> {
  return db.transaction(
    (tx) => settingThen(tx as unknown as Db, sql`select set_config('boardroom.tenant', ${tenant}, true), set_config('role', ${TENANT_ROLE}, true)`, fn),
    options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined,
  );
}

/**
 * Runs `fn` as the tenant of configuration `configId`, read from the configuration in the same
 * statement that sets it (no extra round trip). An unknown configuration's tenant is '' and sees
 * nothing at all.
 */
export async function withConfigTenant<T>(db: Db, configId: string, fn: (tx: Db) => Promise<T>, options: TenantOptions = {}): Promise<T> {
  const setting = sql`select set_config('boardroom.tenant',
      coalesce((select coalesce(org_id::text, ${PERSONAL_TENANT}) from configs where id = ${configId}::uuid), ''), true),
    set_config('role', ${TENANT_ROLE}, true)`;
  return db.transaction((tx) => settingThen(tx as unknown as Db, setting, fn), options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined);
}

/**
 * Sends the tenant's settings and, without waiting for their answer, `fn`'s first query: on one
 * connection statements run in the order sent, so that query already runs as the tenant, and
 * postgres.js pipelines the two (one round trip instead of two). Should the settings fail, the
 * transaction is aborted and `fn`'s query fails with it; the settings' own error is the one thrown.
 */
async function settingThen<T>(tx: Db, setting: SQL, fn: (tx: Db) => Promise<T>): Promise<T> {
  // drizzle's queries are lazy: `then` is what sends it.
  const settled = tx.execute(setting).then(
    () => null,
    (error: unknown) => ({ error }),
  );
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    const failed = await settled;
    throw failed ? failed.error : error;
  }
  const failed = await settled;
  if (failed) throw failed.error;
  return result;
}
