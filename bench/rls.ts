/**
 * `npm run bench:rls`: what tenant isolation costs on the hot paths (issue #20 item 4;
 * docs/benchmarks.md "bench:rls"), in one run on one fresh database, variants alternating round by
 * round so drifting machine load falls on all of them alike:
 *
 * - room load: the server's load statement (configuration row, snapshot and update log in one
 *   statement) run bare, as before tenants, against the same statement in a tenant transaction
 *   (`withConfigTenant`: BEGIN, the tenant set from the configuration, SET LOCAL ROLE, the
 *   statement under the policies, COMMIT). A third variant, the same transaction without the role
 *   switch (no policy applies), splits the cost into round trips and policy evaluation;
 * - a REST read: a configuration's build list (`listBuilds`), bare and as its tenant;
 * - commit: the group committer's multi-row INSERT into doc_updates (updates of configurations of
 *   two organisations and personal ones in one statement) with the tenant trigger that sets each
 *   row's org_id, against the same INSERT with that trigger disabled. The commit path runs as
 *   the table owner: RLS does not apply there, the trigger is its whole cost.
 *
 * Prints p50/p99 (ms) per variant and the ratios. BENCH_ADMIN_URL (default the local Postgres) is
 * where the bench database is made and dropped; BENCH_RLS_ROUNDS and BENCH_RLS_OPS size the run.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Db } from '../server/db/connect.ts';
import { withConfigTenant } from '../server/db/tenant.ts';
import { createDrizzleStorage } from '../server/storage/drizzle-storage.ts';
import { mainDoc } from '../server/storage/doc-key.ts';
import { listBuilds } from '../shared/node/builds/read.ts';
import { migratePostgres } from '../shared/node/db/migrate.ts';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Rounds; each runs every variant of every path once, in rotating order. */
const ROUNDS = Number(process.env.BENCH_RLS_ROUNDS ?? 30);
/** Operations per variant per round. */
const OPS = Number(process.env.BENCH_RLS_OPS ?? 20);
/** Configurations per tenant (two organisations and personal). */
const CONFIGS_PER_TENANT = 10;
/** Log rows per configuration: a room with a tail not yet compacted (COMPACT_AFTER_UPDATES is 200). */
const UPDATES_PER_CONFIG = 100;
const UPDATE_BYTES = 60;
const SNAPSHOT_BYTES = 4_000;
/** Builds per configuration (the REST read returns them all). */
const BUILDS_PER_CONFIG = 20;
/** Updates per commit: a group commit under typing load carries several rooms' updates. */
const COMMIT_BATCH = 8;
const WARMUP_OPS = 30;

interface Variant {
  path: string;
  name: string;
  op: (i: number) => Promise<unknown>;
  before?: () => Promise<void>;
  samples: number[];
}

const rowsOf = (r: unknown): Array<Record<string, unknown>> => (Array.isArray(r) ? r : (r as { rows: Array<Record<string, unknown>> }).rows);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const dbName = `boardroom_bench_rls_${randomBytes(5).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  try {
    await migratePostgres(url.toString());
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://', migrate: false });
    try {
      await run(database.db, createDrizzleStorage(database.db, { appendUpdates: database.appendUpdates }));
    } finally {
      await database.close();
    }
  } finally {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

async function run(db: Db, storage: ReturnType<typeof createDrizzleStorage>): Promise<void> {
  console.log(`bench:rls: seeding ${3 * CONFIGS_PER_TENANT} configurations (two organisations, personal), ${UPDATES_PER_CONFIG} log rows and ${BUILDS_PER_CONFIG} builds each…`);
  const orgs: Array<string | null> = [];
  for (const name of ['bench org a', 'bench org b']) orgs.push(String(rowsOf(await db.execute(sql`insert into organisations (name) values (${name}) returning id`))[0].id));
  orgs.push(null);
  const configIds: string[] = [];
  for (const orgId of orgs) {
    for (let i = 0; i < CONFIGS_PER_TENANT; i++) {
      const id = String(rowsOf(await db.execute(sql`insert into configs (name, org_id) values (${`bench ${i}`}, ${orgId}) returning id`))[0].id);
      configIds.push(id);
      await db.execute(sql`insert into doc_snapshots (config_id, state) values (${id}, ${Buffer.from(randomBytes(SNAPSHOT_BYTES))})`);
      await db.execute(sql`insert into doc_updates (config_id, update) select ${id}, decode(md5(g::text) || repeat('ab', ${UPDATE_BYTES / 2 - 16}), 'hex') from generate_series(1, ${UPDATES_PER_CONFIG}) g`);
      await db.execute(sql`insert into build_jobs (config_id, config_name, content_hash, config_json, yjs_state, schema_version, builder_version, status)
        select ${id}, 'bench', md5(g::text), '{"BOARD":"x"}', '\\x00'::bytea, '1', 'v', 'succeeded' from generate_series(1, ${BUILDS_PER_CONFIG}) g`);
    }
  }
  await db.execute(sql`analyze`);

  const pick = (i: number) => configIds[i % configIds.length];
  const loadStatement = (id: string) => sql`
    select 0 as k, 0::bigint as id, null::bytea as b from configs where id = ${id} and deleted_at is null
    union all select 1, folded_updates, state from doc_snapshots where config_id = ${id} and doc_name = 'main'
    union all select 2, id, update from doc_updates where config_id = ${id} and doc_name = 'main'
    order by k, id`;
  const expectRows = (rows: unknown, at: string) => {
    if (rowsOf(rows).length < UPDATES_PER_CONFIG) throw new Error(`${at}: a load returned ${rowsOf(rows).length} rows`);
  };
  const commitBatch = (i: number) =>
    Array.from({ length: COMMIT_BATCH }, (_, k) => ({ doc: mainDoc(pick(i * COMMIT_BATCH + k)), update: randomBytes(UPDATE_BYTES) }));
  const trigger = (on: boolean) => async () => {
    await db.execute(sql.raw(`alter table doc_updates ${on ? 'enable' : 'disable'} trigger doc_updates_tenant`));
  };

  const variants: Variant[] = [
    { path: 'room load', name: 'bare', samples: [], op: async (i) => expectRows(await db.execute(loadStatement(pick(i))), 'bare load') },
    {
      path: 'room load',
      name: 'transaction, no RLS',
      samples: [],
      op: (i) =>
        db.transaction(async (tx) => {
          // The same round trips as withConfigTenant (the setting pipelined with the load), no role.
          const setting = tx.execute(sql`select set_config('boardroom.tenant', coalesce((select coalesce(org_id::text, 'personal') from configs where id = ${pick(i)}::uuid), ''), true)`).then(() => {});
          expectRows(await tx.execute(loadStatement(pick(i))), 'tx load');
          await setting;
        }),
    },
    { path: 'room load', name: 'RLS (withConfigTenant)', samples: [], op: async (i) => expectRows(await withConfigTenant(db, pick(i), (tx) => tx.execute(loadStatement(pick(i)))), 'rls load') },
    { path: 'room load', name: 'RLS, storage.loadConfigDoc (as the server runs it)', samples: [], op: (i) => storage.loadConfigDoc(mainDoc(pick(i))) },
    { path: 'REST read (listBuilds)', name: 'bare', samples: [], op: (i) => listBuilds(db, pick(i)) },
    { path: 'REST read (listBuilds)', name: 'RLS (withConfigTenant)', samples: [], op: (i) => withConfigTenant(db, pick(i), (tx) => listBuilds(tx, pick(i))) },
    { path: `commit (${COMMIT_BATCH} updates, 3 tenants)`, name: 'no tenant trigger', samples: [], before: trigger(false), op: (i) => storage.appendUpdates(commitBatch(i)) },
    { path: `commit (${COMMIT_BATCH} updates, 3 tenants)`, name: 'tenant trigger (as deployed)', samples: [], before: trigger(true), op: (i) => storage.appendUpdates(commitBatch(i)) },
  ];

  for (const v of variants) {
    await v.before?.();
    for (let i = 0; i < WARMUP_OPS; i++) await v.op(i);
  }
  await trigger(true)();
  // Check the tenant actually filters in the bench's own database before trusting its figures.
  const other = configIds[CONFIGS_PER_TENANT];
  const seen = await withConfigTenant(db, configIds[0], (tx) => tx.execute(sql`select count(*)::int as n from doc_updates where config_id = ${other}`));
  if (Number(rowsOf(seen)[0].n) !== 0) throw new Error("bench:rls: the tenant transaction sees another tenant's rows");

  console.log(`bench:rls: ${ROUNDS} rounds × ${OPS} operations per variant, variants alternating…`);
  let counter = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the starting variant so no variant always runs first (or right after the trigger DDL).
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(round + k) % variants.length];
      await v.before?.();
      for (let j = 0; j < OPS; j++) {
        const start = process.hrtime.bigint();
        await v.op(counter++);
        v.samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }
  }
  await trigger(true)();

  const stats = variants.map((v) => {
    const sorted = [...v.samples].sort((a, b) => a - b);
    return { ...v, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), n: sorted.length };
  });
  const basis = new Map<string, { p50: number; p99: number }>();
  for (const s of stats) if (!basis.has(s.path)) basis.set(s.path, s);
  const lines = ['| path | variant | ops | p50 ms | p99 ms | p50 ratio | p99 ratio |', '|---|---|---:|---:|---:|---:|---:|'];
  for (const s of stats) {
    const b = basis.get(s.path)!;
    lines.push(`| ${s.path} | ${s.name} | ${s.n} | ${s.p50.toFixed(3)} | ${s.p99.toFixed(3)} | ${(s.p50 / b.p50).toFixed(2)} | ${(s.p99 / b.p99).toFixed(2)} |`);
  }
  console.log(lines.join('\n'));
  console.log('(ratios against the first variant of each path)');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
