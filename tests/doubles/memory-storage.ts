/**
 * The storage contract (server/storage/types.ts) in memory, for the unit tier: it passes the same
 * contract suite as PGlite and Postgres (tests/storage-contract.test.ts), so a room or a room
 * manager behaves on it as it does on the real store, in milliseconds and without a database.
 * Every call is asynchronous like the real one (the room's ordering depends on that), and what a
 * caller gets back is a copy, so nobody can change "stored" bytes by accident.
 */
import { randomUUID } from 'node:crypto';
import type { CompactionResult, ConfigRecord, DocStorage, PendingUpdate, StoredDoc, TailResult } from '../../server/storage/types.ts';
import { isUuid } from '../../shared/uuid.ts';

interface StoredConfig {
  record: ConfigRecord;
  deleted: boolean;
  snapshot: { state: Uint8Array; folded: number } | null;
  /** Log rows, ascending ids (ids are unique across configurations, like the real sequence). */
  updates: Array<{ id: number; update: Uint8Array }>;
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

    async createConfig({ name, initialState }) {
      await io();
      const now = new Date();
      const config: StoredConfig = {
        record: { id: randomUUID(), name, createdAt: now, updatedAt: now },
        deleted: false,
        snapshot: initialState ? { state: copy(initialState), folded: 0 } : null,
        updates: [],
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

    async loadDoc(configId): Promise<StoredDoc> {
      await io();
      // Like the real store: rows of a deleted configuration are still there for whoever asks.
      const config = configs.get(configId);
      return { snapshot: config?.snapshot ? copy(config.snapshot.state) : null, updates: config?.updates.map((u) => copy(u.update)) ?? [] };
    },

    async loadConfigDoc(configId) {
      await io();
      const config = isUuid(configId) ? live(configId) : null;
      if (!config) return null;
      return {
        snapshot: config.snapshot ? copy(config.snapshot.state) : null,
        updates: config.updates.map((u) => copy(u.update)),
        updateIds: config.updates.map((u) => u.id),
        snapshotVersion: config.snapshot?.folded ?? 0,
      };
    },

    async appendUpdates(batch: PendingUpdate[]) {
      if (batch.length === 0) return [];
      await io();
      // All or nothing, as one INSERT: a row naming a configuration that does not exist (the
      // foreign key) fails the whole batch before anything is written.
      const unknown = batch.find((entry) => !configs.has(entry.configId));
      if (unknown) throw new Error(`memory storage: no configuration ${unknown.configId} (foreign key)`);
      return batch.map((entry) => {
        const id = nextId++;
        configs.get(entry.configId)!.updates.push({ id, update: copy(entry.update) });
        return id;
      });
    },

    async readTails(requests) {
      await io();
      const out = new Map<string, TailResult>();
      for (const request of requests) {
        const config = configs.get(request.configId);
        if (!config) continue;
        const known = new Set(request.known);
        const entry: TailResult = {
          updates: config.updates.filter((u) => u.id > request.after && !known.has(u.id)).map((u) => ({ id: u.id, update: copy(u.update) })),
        };
        if (config.snapshot && config.snapshot.folded !== request.snapshotVersion) {
          entry.snapshot = { state: copy(config.snapshot.state), version: config.snapshot.folded };
        }
        if (entry.snapshot || entry.updates.length > 0) out.set(request.configId, entry);
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

    async tailSize(configId) {
      await io();
      const updates = configs.get(configId)?.updates ?? [];
      return { count: updates.length, bytes: updates.reduce((sum, u) => sum + u.update.length, 0) };
    },

    async compact(configId, merge): Promise<CompactionResult> {
      await io();
      const config = configs.get(configId);
      if (!config || config.updates.length === 0) return { folded: 0, snapshotBytes: config?.snapshot?.state.length ?? 0 };
      const rows = [...config.updates];
      // `merge` may throw (a crash half-way): nothing below has changed anything yet.
      const state = merge({ snapshot: config.snapshot ? copy(config.snapshot.state) : null, updates: rows.map((r) => copy(r.update)) });
      const folded = new Set(rows.map((r) => r.id));
      config.snapshot = { state: copy(state), folded: (config.snapshot?.folded ?? 0) + rows.length };
      // Exactly the rows merged: rows appended while `merge` ran stay in the log.
      config.updates = config.updates.filter((u) => !folded.has(u.id));
      return { folded: rows.length, snapshotBytes: state.length };
    },

    async ping() {
      await io();
    },
  };
}
