/**
 * DocStorage on drizzle-orm. The same code runs on postgres.js and on PGlite. Every read and
 * write of the log and snapshots names one document (config_id, doc_name); document names come
 * from a `DocKey` (doc-key.ts), so they are declared names, never request text.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { configs, docSnapshots, docUpdates } from '../../shared/node/db/schema.ts';
import { isUuid } from '../../shared/uuid.ts';
import type { Db } from '../db/connect.ts';
import { tenantOfOrg, withConfigTenant, withTenant, type Tenant } from '../db/tenant.ts';
import type { DocKey } from './doc-key.ts';
import type { CompactionResult, ConfigRecord, DocStorage, PendingUpdate, StoredDoc, TailResult } from './types.ts';

const configColumns = {
  id: configs.id,
  name: configs.name,
  orgId: configs.orgId,
  createdAt: configs.createdAt,
  updatedAt: configs.updatedAt,
};

export interface DrizzleStorageOptions {
  /** A faster way to append the log than the query builder, when the engine offers one. */
  appendUpdates?: (batch: PendingUpdate[]) => Promise<number[]>;
}

/** Rows of `db.execute`: an array on postgres.js, `{ rows }` on PGlite. */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

function asBytes(b: Uint8Array | null): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b as unknown as ArrayBufferLike);
}

/** A Postgres array literal for one text parameter (`'{a,b}'::uuid[]`): one parameter however many
 * rooms are asked about, where a list would spend one each and hit the 65,535 limit. */
function arrayLiteral(values: Array<string | number>): string {
  return `{${values.join(',')}}`;
}

/** Every document of `docs` in one statement (one snapshot of the database), in the shape of
 * loadConfigDoc's: its configuration's row (k 0), snapshot (k 1) and log rows (k 2), under the
 * document's position `n` in `docs`. */
function loadManyQuery(docs: DocKey[]) {
  return sql`
    with k as (select * from unnest(${arrayLiteral(docs.map((d) => d.configId))}::uuid[], ${arrayLiteral(docs.map((d) => d.docName))}::text[]) with ordinality as k(config_id, doc_name, n))
    select k.n::int as n, 0 as k, 0::bigint as id, null::bytea as b, c.org_id::text as o from k join configs c on c.id = k.config_id and c.deleted_at is null
    union all select k.n::int, 1, s.folded_updates, s.state, null from k join doc_snapshots s on s.config_id = k.config_id and s.doc_name = k.doc_name
    union all select k.n::int, 2, u.id, u.update, null from k join doc_updates u on u.config_id = k.config_id and u.doc_name = k.doc_name
    order by 1, 2, 3`;
}

/** loadManyQuery's rows as StoredDocs by `DocKey.id`; a document whose configuration row did not
 * come back (not visible to the tenant, or deleted) is absent. */
function splitLoaded(docs: DocKey[], rows: Array<{ n: number | string; k: number | string; id: number | string; b: Uint8Array | null; o: string | null }>): Map<string, StoredDoc> {
  const out = new Map<string, StoredDoc>();
  let current: StoredDoc | null = null;
  let currentN = -1;
  for (const row of rows) {
    const n = Number(row.n);
    const kind = Number(row.k);
    if (n !== currentN) {
      currentN = n;
      // Rows are ordered by (n, k): a document's configuration row comes first or not at all.
      current = kind === 0 ? { snapshot: null, updates: [], updateIds: [], snapshotVersion: 0, orgId: row.o } : null;
      if (current) out.set(docs[n - 1].id, current);
      continue;
    }
    if (!current) continue;
    if (kind === 1) {
      current.snapshot = asBytes(row.b);
      current.snapshotVersion = Number(row.id);
    } else if (kind === 2) {
      current.updates.push(asBytes(row.b));
      current.updateIds!.push(Number(row.id));
    }
  }
  return out;
}

export function createDrizzleStorage(db: Db, options: DrizzleStorageOptions = {}): DocStorage {
  const live = (id: string) => and(eq(configs.id, id), isNull(configs.deletedAt));
  const updatesOf = (doc: DocKey) => and(eq(docUpdates.configId, doc.configId), eq(docUpdates.docName, doc.docName));
  const snapshotOf = (doc: DocKey) => and(eq(docSnapshots.configId, doc.configId), eq(docSnapshots.docName, doc.docName));

  const storage: DocStorage = {
    async createConfig({ name, initialState, ownerId, orgId, inTransaction }) {
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(configs).values({ name, ownerId, orgId: orgId ?? null }).returning(configColumns);
        if (initialState) {
          await tx.insert(docSnapshots).values({ configId: row.id, state: initialState });
        }
        await inTransaction?.(tx, row as ConfigRecord);
        return row as ConfigRecord;
      });
    },

    async getConfig(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select(configColumns).from(configs).where(live(id));
      return (row as ConfigRecord | undefined) ?? null;
    },

    async listConfigs() {
      const rows = await db
        .select(configColumns)
        .from(configs)
        .where(isNull(configs.deletedAt))
        .orderBy(desc(configs.updatedAt));
      return rows as ConfigRecord[];
    },

    async renameConfig(id, name) {
      if (!isUuid(id)) return null;
      const [row] = await db
        .update(configs)
        .set({ name, updatedAt: new Date() })
        .where(live(id))
        .returning(configColumns);
      return (row as ConfigRecord | undefined) ?? null;
    },

    async deleteConfig(id) {
      if (!isUuid(id)) return false;
      const rows = await db
        .update(configs)
        .set({ deletedAt: new Date() })
        .where(live(id))
        .returning({ id: configs.id });
      return rows.length > 0;
    },

    async loadDoc(doc): Promise<StoredDoc> {
      // One transaction so a compaction committing between the two reads cannot hide rows:
      // we would see either the old snapshot with its rows, or the new snapshot without them.
      // As the configuration's tenant (server/db/tenant.ts): RLS is the second line on room loads.
      return withConfigTenant(db, doc.configId, async (tx) => {
        const [snap] = await tx
          .select({ state: docSnapshots.state })
          .from(docSnapshots)
          .where(snapshotOf(doc));
        const rows = await tx
          .select({ update: docUpdates.update })
          .from(docUpdates)
          .where(updatesOf(doc))
          .orderBy(asc(docUpdates.id));
        return { snapshot: snap?.state ?? null, updates: rows.map((r) => r.update) };
      }, { isolationLevel: 'repeatable read' });
    },

    async loadConfigDoc(doc) {
      const { configId, docName } = doc;
      if (!isUuid(configId)) return null;
      // One statement sees one snapshot of the database, so a compaction committing meanwhile
      // cannot hide rows (same guarantee as loadDoc's transaction, one round trip instead of four).
      // As the configuration's tenant (server/db/tenant.ts): RLS is the second line on room loads.
      const result = await withConfigTenant(db, configId, (tx) => tx.execute(sql`
        select 0 as k, 0::bigint as id, null::bytea as b, org_id::text as o from configs where id = ${configId} and deleted_at is null
        union all select 1, folded_updates, state, null from doc_snapshots where config_id = ${configId} and doc_name = ${docName}
        union all select 2, id, ${docUpdates.update}, null from doc_updates where config_id = ${configId} and doc_name = ${docName}
        order by k, id`));
      const rows = rowsOf<{ k: number; id: number | string; b: Uint8Array | null; o: string | null }>(result);
      if (rows.length === 0 || Number(rows[0].k) !== 0) return null;
      const snapshotRow = rows.find((r) => Number(r.k) === 1);
      const updateRows = rows.filter((r) => Number(r.k) === 2);
      return {
        snapshot: snapshotRow ? asBytes(snapshotRow.b) : null,
        updates: updateRows.map((r) => asBytes(r.b)),
        updateIds: updateRows.map((r) => Number(r.id)),
        snapshotVersion: snapshotRow ? Number(snapshotRow.id) : 0,
        orgId: rows[0].o,
      };
    },

    async loadConfigDocs(docs) {
      const out = new Map<string, StoredDoc | null>();
      const wanted = docs.filter((d) => isUuid(d.configId));
      for (const d of docs) if (!isUuid(d.configId)) out.set(d.id, null);
      if (wanted.length === 0) return out;
      // RLS takes one tenant per transaction: the tenants first (as the owner, as withConfigTenant
      // reads them), then one read per tenant of every document it holds.
      const ids = [...new Set(wanted.map((d) => d.configId))];
      const live = rowsOf<{ id: string; o: string | null }>(
        await db.execute(sql`select id::text as id, org_id::text as o from configs where id = any(${arrayLiteral(ids)}::uuid[]) and deleted_at is null`),
      );
      const tenantOf = new Map(live.map((r) => [r.id, tenantOfOrg(r.o)]));
      const byTenant = new Map<Tenant, DocKey[]>();
      for (const d of wanted) {
        const tenant = tenantOf.get(d.configId);
        if (tenant === undefined) out.set(d.id, null);
        else byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), d]);
      }
      await Promise.all(
        [...byTenant].map(async ([tenant, group]) => {
          const loaded = await withTenant(db, tenant, async (tx) => splitLoaded(group, rowsOf(await tx.execute(loadManyQuery(group)))));
          for (const d of group) {
            // Moved to another tenant or deleted since the tenants were read: asked alone, which
            // tells the two apart.
            out.set(d.id, loaded.get(d.id) ?? (await storage.loadConfigDoc(d)));
          }
        }),
      );
      return out;
    },

    async appendUpdates(batch: PendingUpdate[]) {
      if (batch.length === 0) return [];
      // A single multi-row INSERT is its own transaction: one round trip on the commit path,
      // which is what every edit waits for before it is fanned out.
      if (options.appendUpdates) return options.appendUpdates(batch);
      const rows = await db
        .insert(docUpdates)
        .values(batch.map((b) => ({ configId: b.doc.configId, docName: b.doc.docName, update: b.update })))
        .returning({ id: docUpdates.id });
      return rows.map((r) => Number(r.id));
    },

    async readTails(requests) {
      const out = new Map<string, TailResult>();
      if (requests.length === 0) return out;
      const known = requests.flatMap((r) => r.known);
      // Ids are unique across configurations, so one flat "already held" list serves every room;
      // an anti-join rather than `<> all(...)`, which would compare every row with every id.
      // Each request is answered under its position `n`, so the result needs no key parsing.
      // Document names are declared names (doc-key.ts): `[a-z][a-z0-9-]*`, safe in an array literal.
      const result = await db.execute(sql`
        with k as (
          select * from unnest(${arrayLiteral(requests.map((r) => r.doc.configId))}::uuid[],
                               ${arrayLiteral(requests.map((r) => r.doc.docName))}::text[],
                               ${arrayLiteral(requests.map((r) => r.after))}::bigint[],
                               ${arrayLiteral(requests.map((r) => r.snapshotVersion))}::int[]) with ordinality as k(config_id, doc_name, after, version, n))
        select 1 as kind, k.n::int as n, s.folded_updates::bigint as id, s.state as b
          from k join doc_snapshots s on s.config_id = k.config_id and s.doc_name = k.doc_name and s.folded_updates <> k.version
        union all
        select 2, k.n::int, u.id, u.update
          from k join doc_updates u on u.config_id = k.config_id and u.doc_name = k.doc_name and u.id > k.after
          left join unnest(${arrayLiteral(known)}::bigint[]) as held(id) on held.id = u.id
          where held.id is null
        order by 1, 3`);
      for (const row of rowsOf<{ kind: number; n: number | string; id: number | string; b: Uint8Array }>(result)) {
        const key = requests[Number(row.n) - 1].doc.id;
        let entry = out.get(key);
        if (!entry) out.set(key, (entry = { updates: [] }));
        if (Number(row.kind) === 1) entry.snapshot = { state: asBytes(row.b), version: Number(row.id) };
        else entry.updates.push({ id: Number(row.id), update: asBytes(row.b) });
      }
      return out;
    },

    async touchConfigs(ids) {
      if (ids.length === 0) return;
      // Lock rows in id order so concurrent touchers (other processes) cannot deadlock. FOR NO
      // KEY UPDATE, the lock the UPDATE takes anyway: FOR UPDATE would also block the foreign-key
      // check (FOR KEY SHARE) of every update committed for these configurations meanwhile.
      const sorted = [...ids].sort();
      await db.execute(
        sql`update configs set updated_at = now() where id in (select id from configs where id in (${sql.join(
          sorted.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) order by id for no key update)`,
      );
    },

    async tailSize(doc) {
      const [row] = await db
        .select({
          count: sql<number>`count(*)::int`,
          bytes: sql<number>`coalesce(sum(octet_length(${docUpdates.update})), 0)::int`,
        })
        .from(docUpdates)
        .where(updatesOf(doc));
      return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0) };
    },

    async compact(doc, merge): Promise<CompactionResult> {
      const { configId, docName } = doc;
      return db.transaction(async (tx) => {
        // Serialise compactions of one config (across processes, all its documents): the config
        // row lock is held until commit, and the reads below happen after it is granted, so they
        // see the latest rows. FOR NO KEY UPDATE conflicts with itself (and with a deletion), not
        // with FOR KEY SHARE: the foreign-key check of an update committed for this configuration
        // meanwhile does not wait for the compaction, and neither does the rest of its group
        // commit, which carries every room's updates (docs/architecture.md, "Compaction").
        await tx.execute(sql`select id from configs where id = ${configId} for no key update`);
        const [snap] = await tx
          .select({ state: docSnapshots.state, folded: docSnapshots.foldedUpdates })
          .from(docSnapshots)
          .where(snapshotOf(doc));
        const rows = await tx
          .select({ id: docUpdates.id, update: docUpdates.update })
          .from(docUpdates)
          .where(updatesOf(doc))
          .orderBy(asc(docUpdates.id));
        if (rows.length === 0) return { folded: 0, snapshotBytes: snap?.state.length ?? 0 };
        const state = merge({ snapshot: snap?.state ?? null, updates: rows.map((r) => r.update) });
        const folded = (snap?.folded ?? 0) + rows.length;
        await tx
          .insert(docSnapshots)
          .values({ configId, docName, state, foldedUpdates: folded })
          .onConflictDoUpdate({
            target: [docSnapshots.configId, docSnapshots.docName],
            set: { state, foldedUpdates: folded, updatedAt: new Date() },
          });
        // Delete exactly the rows merged above; rows committed meanwhile stay in the log.
        await tx.delete(docUpdates).where(
          inArray(
            docUpdates.id,
            rows.map((r) => r.id),
          ),
        );
        return { folded: rows.length, snapshotBytes: state.length };
      });
    },

    async ping() {
      await db.execute(sql`select 1`);
    },
  };
  return storage;
}
