/**
 * Row-Level Security as the second line of tenant isolation (issue #20 item 4; migration 0014,
 * server/db/tenant.ts) on real Postgres: two organisations and a personal configuration with rows
 * in every tenant table; inside one tenant's transaction a deliberately unfiltered
 * `select * from <table>` returns that tenant's rows and nothing else; org_id is set by the
 * database whatever an INSERT says; a configuration that moves organisation takes its rows along.
 * The table list is checked against the database, so a new table with a `config_id` or `org_id`
 * that is not under a policy fails here.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDrizzleStorage } from '../server/storage/drizzle-storage.ts';
import { mainDoc } from '../server/storage/doc-key.ts';
import { openDatabase, type Database, type Db } from '../server/db/connect.ts';
import { PERSONAL_TENANT, withConfigTenant, withTenant } from '../server/db/tenant.ts';
import { MIGRATIONS_DIR, migratePostgres } from '../shared/node/db/migrate.ts';
import { CHILD_TENANT_TABLES, CONFIG_TENANT_TABLES, TENANT_TABLES } from '../shared/node/db/tenant-column.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

let testDb: TestDatabase;
let database: Database;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase('tenant_rls', { migrated: true });
  database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
  db = database.db;
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

type Row = Record<string, unknown>;
const rowsOf = (result: unknown): Row[] => (Array.isArray(result) ? result : (result as { rows: Row[] }).rows);
const query = async (on: Db, text: string): Promise<Row[]> => rowsOf(await on.execute(sql.raw(text)));

/** Parents before children: the order rows are made in. */
const FILL_ORDER = [
  'teams', 'org_members', 'org_invitations', 'team_members', 'team_config_grants', 'audit_log',
  'doc_updates', 'doc_snapshots', 'config_members', 'config_invitations', 'share_links', 'file_blobs', 'change_log', 'comments', 'config_secrets',
  'build_jobs', 'build_logs', 'build_artifacts', 'build_matrices', 'build_matrix_cells',
  'config_versions', 'reviews', 'review_decisions', 'webhooks', 'webhook_deliveries', 'webhook_attempts',
];
/** Organisation tables have no personal rows (audit_log does: org_id null). */
const ORG_ONLY = new Set(['teams', 'org_members', 'org_invitations', 'team_members', 'team_config_grants']);

interface Tenant {
  orgId: string | null;
  configId: string;
  userId: string;
  /** A value written into every text column of the tenant's rows. */
  marker: string;
}

/** One row in every tenant table for `t`'s configuration, each column that needs a value given
 * one by its type; foreign keys point at the rows made before. */
async function fill(t: Tenant): Promise<void> {
  const made = new Map<string, string>([['config_id', t.configId], ['user_id', t.userId]]);
  if (t.orgId) made.set('org_id', t.orgId);
  const parentColumn: Record<string, string> = {
    build_jobs: 'build_id', build_matrices: 'matrix_id', config_versions: 'version_id', reviews: 'review_id',
    webhooks: 'webhook_id', webhook_deliveries: 'delivery_id', teams: 'team_id',
  };
  for (const table of FILL_ORDER) {
    if (ORG_ONLY.has(table) && !t.orgId) continue;
    const columns = await query(db, `select column_name, data_type from information_schema.columns
      where table_schema = 'public' and table_name = '${table}' and is_nullable = 'NO' and column_default is null`);
    const names: string[] = [];
    const values: string[] = [];
    for (const { column_name: name, data_type: type } of columns as { column_name: string; data_type: string }[]) {
      names.push(`"${name}"`);
      if (made.has(name)) values.push(`'${made.get(name)}'`);
      else if (type === 'uuid') values.push(`'${randomUUID()}'`);
      else if (name === 'role') values.push(`'viewer'`);
      else if (type === 'text') values.push(`'${t.marker}-${randomUUID()}'`);
      else if (type === 'bytea') values.push(`'\\x00'::bytea`);
      else if (type === 'jsonb') values.push(`'{"marker":"${t.marker}"}'::jsonb`);
      else if (type.startsWith('timestamp')) values.push('now()');
      else if (type === 'integer' || type === 'bigint') values.push('1');
      else throw new Error(`fill: no value for ${table}.${name} (${type})`);
    }
    if (table === 'audit_log') {
      names.push('"org_id"', '"config_id"');
      values.push(t.orgId ? `'${t.orgId}'` : 'null', `'${t.configId}'`);
    }
    const hasId = (await query(db, `select 1 from information_schema.columns where table_schema = 'public' and table_name = '${table}' and column_name = 'id'`)).length > 0;
    const [row] = await query(db, `insert into "${table}" (${names.join(', ')}) values (${values.join(', ')}) returning ${hasId ? 'id' : '1 as id'}`);
    if (parentColumn[table]) made.set(parentColumn[table], String(row.id));
  }
}

async function person(name: string): Promise<string> {
  const [row] = await query(db, `insert into users (email, name) values ('${name}-${randomUUID()}@example.test', '${name}') returning id`);
  return String(row.id);
}
async function organisation(name: string, ownerId: string): Promise<string> {
  const [row] = await query(db, `insert into organisations (name, created_by) values ('${name}', '${ownerId}') returning id`);
  return String(row.id);
}
async function configuration(name: string, ownerId: string, orgId: string | null): Promise<string> {
  const [row] = await query(db, `insert into configs (name, owner_id, org_id) values ('${name}', '${ownerId}', ${orgId ? `'${orgId}'` : 'null'}) returning id`);
  return String(row.id);
}

async function tenantWith(name: string, personal = false): Promise<Tenant> {
  const userId = await person(name);
  const orgId = personal ? null : await organisation(`org-${name}`, userId);
  const configId = await configuration(`config-${name}`, userId, orgId);
  const t = { orgId, configId, userId, marker: `marker${name}` };
  await fill(t);
  return t;
}

/** What `select *` of every tenant table returns inside a transaction of `tenant`. */
async function everything(tenant: string): Promise<Map<string, Row[]>> {
  return withTenant(db, tenant, async (tx) => {
    const out = new Map<string, Row[]>();
    for (const table of TENANT_TABLES) out.set(table, await query(tx, `select * from "${table}"`));
    return out;
  });
}

/** The database's own message for a failed statement (drizzle wraps it as `cause`). */
async function refusal(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return String((error as { cause?: Error }).cause?.message ?? (error as Error).message);
  }
  return 'accepted';
}

const orgOf = (table: string, row: Row) => (table === 'organisations' ? row.id : row.org_id) as string | null;

describe('tenant isolation under Row-Level Security', () => {
  let a: Tenant;
  let b: Tenant;
  let personal: Tenant;
  beforeAll(async () => {
    a = await tenantWith('a');
    b = await tenantWith('b');
    personal = await tenantWith('p', true);
  });

  it('covers every table that holds a configuration or organisation id, each with a policy', async () => {
    const keyed = await query(db, `select distinct table_name from information_schema.columns
      where table_schema = 'public' and column_name in ('config_id', 'org_id')`);
    const covered = new Set<string>(TENANT_TABLES);
    expect(keyed.map((r) => String(r.table_name)).filter((t) => !covered.has(t))).toEqual([]);
    for (const [table] of CHILD_TENANT_TABLES) expect(covered.has(table)).toBe(true);
    const secured = await query(db, `select c.relname, c.relrowsecurity, (select count(*) from pg_policy p where p.polrelid = c.oid)::int as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'`);
    const byName = new Map(secured.map((r) => [String(r.relname), r]));
    for (const table of TENANT_TABLES) {
      expect(byName.get(table)?.relrowsecurity, table).toBe(true);
      expect(byName.get(table)?.policies, table).toBe(1);
    }
  });

  it("an unfiltered select inside A's transaction returns A's rows of every table and nothing of B's", async () => {
    const seen = await everything(a.orgId!);
    for (const table of TENANT_TABLES) {
      const rows = seen.get(table)!;
      // A's rows are there (every table was filled for A), and only A's.
      expect(rows.length, `${table} shows A's rows`).toBeGreaterThan(0);
      expect(rows.filter((r) => orgOf(table, r) !== a.orgId), `${table} shows only A's rows`).toEqual([]);
      const text = JSON.stringify(rows);
      expect(text.includes(b.configId) || text.includes(b.marker) || text.includes(b.orgId!), `${table} leaks B`).toBe(false);
      expect(text.includes(personal.configId) || text.includes(personal.marker), `${table} leaks the personal configuration`).toBe(false);
    }
    // B's tenant, symmetrically, sees nothing of A.
    const ofB = await everything(b.orgId!);
    expect([...ofB.values()].some((rows) => JSON.stringify(rows).includes(a.marker))).toBe(false);
  });

  it("a personal configuration's rows are not visible to an organisation, and the personal tenant sees no organisation's rows", async () => {
    const ofA = await everything(a.orgId!);
    expect([...ofA.values()].flat().some((r) => JSON.stringify(r).includes(personal.marker))).toBe(false);
    const ofPersonal = await everything(PERSONAL_TENANT);
    expect(ofPersonal.get('comments')!.map((r) => r.config_id)).toContain(personal.configId);
    for (const table of TENANT_TABLES) {
      expect(ofPersonal.get(table)!.filter((r) => orgOf(table, r) !== null), table).toEqual([]);
    }
  });

  it('a transaction without a tenant (or an unknown configuration) sees nothing at all', async () => {
    for (const rows of (await everything('')).values()) expect(rows).toEqual([]);
    const unknown = await withConfigTenant(db, randomUUID(), (tx) => query(tx, 'select * from doc_updates'));
    expect(unknown).toEqual([]);
    // The configuration's own tenant: its rows, not the other organisation's.
    const ofA = await withConfigTenant(db, a.configId, (tx) => query(tx, 'select config_id from doc_updates'));
    expect(new Set(ofA.map((r) => r.config_id))).toEqual(new Set([a.configId]));
  });

  it('org_id is set from the configuration whatever the INSERT says, and a tenant cannot write into another', async () => {
    // As the owner (the commit path): a lie about the tenant is corrected by the trigger.
    const [row] = await query(db, `insert into doc_updates (config_id, update, org_id) values ('${a.configId}', '\\x01', '${b.orgId}') returning org_id`);
    expect(row.org_id).toBe(a.orgId);
    // Inside B's transaction, a row of A's configuration gets A's org_id and the policy refuses it.
    expect(await refusal(withTenant(db, b.orgId!, (tx) => query(tx, `insert into doc_updates (config_id, update) values ('${a.configId}', '\\x02')`)))).toMatch(/row-level security/);
    expect(await refusal(withTenant(db, PERSONAL_TENANT, (tx) => query(tx, `insert into comments (id, config_id, thread_id, body, author_name, created_at) values ('${randomUUID()}', '${a.configId}', '${randomUUID()}', 'x', 'x', now())`)))).toMatch(/row-level security/);
    // An unfiltered update or delete inside B's transaction cannot touch A's rows.
    await withTenant(db, b.orgId!, (tx) => query(tx, `update comments set body = 'overwritten'`));
    await withTenant(db, b.orgId!, (tx) => query(tx, `delete from share_links`));
    const aComments = await query(db, `select body from comments where config_id = '${a.configId}'`);
    expect(aComments.map((r) => r.body)).not.toContain('overwritten');
    expect(await query(db, `select 1 from share_links where config_id = '${a.configId}'`)).toHaveLength(1);
  });

  it('moving a configuration to another organisation (or to personal) moves every row of its data', async () => {
    const owner = await person('mover');
    const moving: Tenant = { orgId: a.orgId, configId: await configuration('moving', owner, a.orgId), userId: owner, marker: 'markermoving' };
    await fill(moving);
    const dataTables = [...CONFIG_TENANT_TABLES, ...CHILD_TENANT_TABLES.map(([t]) => t)];
    const orgsOfRows = async () => {
      const out = new Set<string | null>();
      for (const table of dataTables) {
        const rows = await query(db, `select distinct t.org_id from "${table}" t where ${whereOfConfig(table, moving.configId)}`);
        expect(rows.length, `${table} has rows of the moving configuration`).toBeGreaterThan(0);
        for (const r of rows) out.add(r.org_id as string | null);
      }
      return out;
    };
    expect(await orgsOfRows()).toEqual(new Set([a.orgId]));
    await query(db, `update configs set org_id = '${b.orgId}' where id = '${moving.configId}'`);
    expect(await orgsOfRows()).toEqual(new Set([b.orgId]));
    const seenByB = await withTenant(db, b.orgId!, (tx) => query(tx, `select 1 from doc_updates where config_id = '${moving.configId}'`));
    expect(seenByB.length).toBeGreaterThan(0);
    expect(await withTenant(db, a.orgId!, (tx) => query(tx, `select 1 from doc_updates where config_id = '${moving.configId}'`))).toEqual([]);
    await query(db, `update configs set org_id = null where id = '${moving.configId}'`);
    expect(await orgsOfRows()).toEqual(new Set([null]));
    // The function the move route may call directly (repair) does the same.
    await query(db, `update doc_updates set org_id = '${a.orgId}' where config_id = '${moving.configId}'`);
    await query(db, `select boardroom_move_config_rows('${moving.configId}', null)`);
    expect(await orgsOfRows()).toEqual(new Set([null]));
  });
});

/** The rows of one configuration in a table keyed directly or through its parent. */
function whereOfConfig(table: string, configId: string): string {
  if ((CONFIG_TENANT_TABLES as readonly string[]).includes(table)) return `t.config_id = '${configId}'`;
  const [, key, parent] = CHILD_TENANT_TABLES.find(([t]) => t === table)!;
  if (parent === 'webhook_deliveries') return `t.${key} in (select d.id from webhook_deliveries d join webhooks w on w.id = d.webhook_id where w.config_id = '${configId}')`;
  return `t.${key} in (select id from ${parent} where config_id = '${configId}')`;
}

/** A person with a configuration in an organisation (log row 0x01) and a personal one (0x02). */
async function twoTenants(db: Db) {
  const [u] = rowsOf(await db.execute(sql`insert into users (email, name) values ('p@example.test', 'p') returning id`));
  const [o] = rowsOf(await db.execute(sql`insert into organisations (name) values ('o') returning id`));
  const [inOrg] = rowsOf(await db.execute(sql`insert into configs (name, owner_id, org_id) values ('c', ${u.id}, ${o.id}) returning id`));
  const [mine] = rowsOf(await db.execute(sql`insert into configs (name, owner_id) values ('m', ${u.id}) returning id`));
  await db.execute(sql`insert into doc_updates (config_id, update) values (${inOrg.id}, '\x01'::bytea), (${mine.id}, '\x02'::bytea)`);
  return { o, inOrg, mine };
}

describe('tenant isolation on PGlite', () => {
  it('migrates and filters the same way (npm start without DATABASE_URL)', async () => {
    const lite = await openDatabase({ dataDir: 'memory://' });
    try {
      const { o, inOrg, mine } = await twoTenants(lite.db);
      const seen = await withTenant(lite.db, String(o.id), (tx) => query(tx, 'select config_id, org_id from doc_updates'));
      expect(seen).toEqual([{ config_id: inOrg.id, org_id: o.id }]);
      const personalRows = await withTenant(lite.db, PERSONAL_TENANT, (tx) => query(tx, 'select config_id from doc_updates'));
      expect(personalRows).toEqual([{ config_id: mine.id }]);
      expect(await withTenant(lite.db, '', (tx) => query(tx, 'select * from doc_updates'))).toEqual([]);
    } finally {
      await lite.close();
    }
  });
});

describe('room loads in batches', () => {
  it('reads the rooms of several tenants in one batch, each as its own tenant', async () => {
    const lite = await openDatabase({ dataDir: 'memory://' });
    try {
      const { o, inOrg, mine } = await twoTenants(lite.db);
      const storage = createDrizzleStorage(lite.db);
      const loaded = await storage.loadConfigDocs!([mainDoc(String(inOrg.id)), mainDoc(String(mine.id))]);
      expect(loaded.get(String(inOrg.id))).toMatchObject({ orgId: o.id });
      expect(loaded.get(String(inOrg.id))!.updates.map((u) => [...u])).toEqual([[1]]);
      expect(loaded.get(String(mine.id))).toMatchObject({ orgId: null });
      expect(loaded.get(String(mine.id))!.updates.map((u) => [...u])).toEqual([[2]]);
    } finally {
      await lite.close();
    }
  });
});

describe('upgrading a database with data from before tenants', () => {
  it("backfills every row's org_id from its configuration (and its parent row)", async () => {
    const old = await createTestDatabase('tenant_backfill');
    const folder = await mkdtemp(path.join(tmpdir(), 'boardroom-migrations-'));
    const pg = postgres(old.url, { max: 1, onnotice: () => {} });
    try {
      // Every migration before this one (found by name: migrations are renumbered at merges).
      const journal = JSON.parse(await readFile(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
      const tenants = journal.entries.find((e) => e.tag.endsWith('_tenant_isolation'))!;
      const before = journal.entries.filter((e) => e.idx < tenants.idx);
      await mkdir(path.join(folder, 'meta'));
      await writeFile(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: before }));
      for (const e of before) await copyFile(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
      await migratePostgres(old.url, folder);
      const [org] = await pg`insert into organisations (name) values ('old org') returning id`;
      const [inOrg] = await pg`insert into configs (name, org_id) values ('old', ${org.id}) returning id`;
      const [mine] = await pg`insert into configs (name) values ('mine') returning id`;
      for (const c of [inOrg, mine]) {
        await pg`insert into doc_updates (config_id, update) values (${c.id}, '\\x01'::bytea)`;
        const [build] = await pg`insert into build_jobs (config_id, config_name, content_hash, config_json, yjs_state, schema_version, builder_version)
          values (${c.id}, 'c', 'h', '{}', '\\x00'::bytea, '1', 'v') returning id`;
        await pg`insert into build_logs (build_id, seq, ts, stream, line) values (${build.id}, 1, now(), 'stdout', 'x')`;
      }

      await migratePostgres(old.url);
      const rows = await pg`
        select 'doc_updates' as t, config_id, org_id from doc_updates
        union all select 'build_jobs', config_id, org_id from build_jobs
        union all select 'build_logs', j.config_id, l.org_id from build_logs l join build_jobs j on j.id = l.build_id`;
      expect(rows).toHaveLength(6);
      for (const r of rows) expect({ t: r.t, org: r.org_id }).toEqual({ t: r.t, org: r.config_id === inOrg.id ? org.id : null });
    } finally {
      await pg.end();
      await rm(folder, { recursive: true, force: true });
      await old.drop();
    }
  });
});
