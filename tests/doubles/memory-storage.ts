/**
 * The storage contract (server/storage/types.ts) in memory, for the unit tier: it passes the same
 * contract suite as PGlite and Postgres (tests/storage-contract.test.ts), so a room or a room
 * manager behaves on it as it does on the real store, in milliseconds and without a database.
 * Every call is asynchronous like the real one (the room's ordering depends on that), and what a
 * caller gets back is a copy, so nobody can change "stored" bytes by accident.
 */
import { randomUUID } from 'node:crypto';
import type { CompactionResult, ConfigRecord, DocKey, DocStorage, PendingUpdate, StoredDoc, TailResult } from '../../server/storage/types.ts';
import { MAIN_DOC_NAME } from '../../shared/doc-layout.ts';
import { isUuid } from '../../shared/uuid.ts';

/** One document of a configuration: its snapshot and log. */
interface StoredDocument {
  snapshot: { state: Uint8Array; folded: number } | null;
  /** Log rows, ascending ids (ids are unique across configurations, like the real sequence). */
  updates: Array<{ id: number; update: Uint8Array }>;
}

interface StoredConfig {
  record: ConfigRecord;
  deleted: boolean;
  /** By document name; a document nothing was stored for yet is absent (it loads empty). */
  docs: Map<string, StoredDocument>;
}

export interface MemoryStorage extends DocStorage {
  /** Makes every following call reject with `error` until `heal()` (a database outage). */
  fail(error?: Error): void;
  heal(): void;
}

const copy = (bytes: Uint8Array) => new Uint8Array(bytes);
/** Resolves on a later turn, as a round trip would: nothing completes synchronously. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createMemoryStorage(): MemoryStorage {
  const configs = new Map<string, StoredConfig>();
  let nextId = 1;
  let outage: Error | null = null;
  const live = (id: string) => {
    const config = configs.get(id);
    return config && !config.deleted ? config : null;
  };
  const record = (config: StoredConfig): ConfigRecord => ({ ...config.record });
  /** The stored document of `key`, made empty on first write; undefined for an unknown configuration. */
  const docOf = (key: DocKey, create = false): StoredDocument | undefined => {
    const config = configs.get(key.configId);
    if (!config) return undefined;
    let doc = config.docs.get(key.docName);
    if (!doc && create) config.docs.set(key.docName, (doc = { snapshot: null, updates: [] }));
    return doc;
  };
  async function io(): Promise<void> {
    await turn();
    if (outage) throw outage;
  }

  return {
    fail(error = new Error('memory storage: outage')) {
      outage = error;
    },
    heal() {
      outage = null;
    },

    async createConfig({ name, initialState, orgId }) {
      await io();
      const now = new Date();
      const config: StoredConfig = {
        // Organisations live in Postgres; this double only remembers the id it was given.
        record: { id: randomUUID(), name, orgId: orgId ?? null, createdAt: now, updatedAt: now },
        deleted: false,
        docs: new Map(initialState ? [[MAIN_DOC_NAME, { snapshot: { state: copy(initialState), folded: 0 }, updates: [] }]] : []),
      };
      configs.set(config.record.id, config);
      return record(config);
    },

    async getConfig(id) {
      await io();
      const config = isUuid(id) ? live(id) : null;
      return config ? record(config) : null;
    },

    async listConfigs() {
      await io();
      return [...configs.values()]
        .filter((c) => !c.deleted)
        .sort((a, b) => b.record.updatedAt.getTime() - a.record.updatedAt.getTime())
        .map(record);
    },

    async renameConfig(id, name) {
      await io();
      const config = isUuid(id) ? live(id) : null;
      if (!config) return null;
      config.record = { ...config.record, name, updatedAt: new Date() };
      return record(config);
    },

    async deleteConfig(id) {
      await io();
      const config = isUuid(id) ? live(id) : null;
      if (!config) return false;
      config.deleted = true;
      return true;
    },

    async loadDoc(key): Promise<StoredDoc> {
      await io();
      // Like the real store: rows of a deleted configuration are still there for whoever asks.
      const doc = docOf(key);
      return { snapshot: doc?.snapshot ? copy(doc.snapshot.state) : null, updates: doc?.updates.map((u) => copy(u.update)) ?? [] };
    },

    async loadConfigDoc(key) {
      await io();
      const config = isUuid(key.configId) ? live(key.configId) : null;
      if (!config) return null;
      const doc = config.docs.get(key.docName);
      return {
        snapshot: doc?.snapshot ? copy(doc.snapshot.state) : null,
        updates: doc?.updates.map((u) => copy(u.update)) ?? [],
        updateIds: doc?.updates.map((u) => u.id) ?? [],
        snapshotVersion: doc?.snapshot?.folded ?? 0,
      };
    },

    async loadConfigDocs(keys) {
      const out = new Map<string, StoredDoc | null>();
      for (const key of keys) out.set(key.id, await this.loadConfigDoc(key));
      return out;
    },

    async appendUpdates(batch: PendingUpdate[]) {
      if (batch.length === 0) return [];
      await io();
      // All or nothing, as one INSERT: a row naming a configuration that does not exist (the
      // foreign key) fails the whole batch before anything is written.
      const unknown = batch.find((entry) => !configs.has(entry.doc.configId));
      if (unknown) throw new Error(`memory storage: no configuration ${unknown.doc.configId} (foreign key)`);
      return batch.map((entry) => {
        const id = nextId++;
        docOf(entry.doc, true)!.updates.push({ id, update: copy(entry.update) });
        return id;
      });
    },

    async readTails(requests) {
      await io();
      const out = new Map<string, TailResult>();
      for (const request of requests) {
        const doc = docOf(request.doc);
        if (!doc) continue;
        const known = new Set(request.known);
        const entry: TailResult = {
          updates: doc.updates.filter((u) => u.id > request.after && !known.has(u.id)).map((u) => ({ id: u.id, update: copy(u.update) })),
        };
        if (doc.snapshot && doc.snapshot.folded !== request.snapshotVersion) {
          entry.snapshot = { state: copy(doc.snapshot.state), version: doc.snapshot.folded };
        }
        if (entry.snapshot || entry.updates.length > 0) out.set(request.doc.id, entry);
      }
      return out;
    },

    async touchConfigs(ids) {
      await io();
      const now = new Date();
      for (const id of ids) {
        const config = configs.get(id);
        if (config) config.record = { ...config.record, updatedAt: now };
      }
    },

    async tailSize(key) {
      await io();
      const updates = docOf(key)?.updates ?? [];
      return { count: updates.length, bytes: updates.reduce((sum, u) => sum + u.update.length, 0) };
    },

    async compact(key, merge): Promise<CompactionResult> {
      await io();
      const doc = docOf(key);
      if (!doc || doc.updates.length === 0) return { folded: 0, snapshotBytes: doc?.snapshot?.state.length ?? 0 };
      const rows = [...doc.updates];
      // `merge` may throw (a crash half-way): nothing below has changed anything yet.
      const state = merge({ snapshot: doc.snapshot ? copy(doc.snapshot.state) : null, updates: rows.map((r) => copy(r.update)) });
      const folded = new Set(rows.map((r) => r.id));
      doc.snapshot = { state: copy(state), folded: (doc.snapshot?.folded ?? 0) + rows.length };
      // Exactly the rows merged: rows appended while `merge` ran stay in the log.
      doc.updates = doc.updates.filter((u) => !folded.has(u.id));
      return { folded: rows.length, snapshotBytes: state.length };
    },

    async ping() {
      await io();
    },
  };
}
