/**
 * What the sync core needs from storage, and nothing more. One contract test suite
 * (`tests/storage-contract.test.ts`) runs against every implementation. A document is addressed by
 * its `DocKey` (configuration and declared document name, doc-key.ts); configurations by id.
 */
import type { Db } from '../db/connect.ts';
import type { DocKey } from './doc-key.ts';

export type { DocKey };

export interface ConfigRecord {
  id: string;
  name: string;
  /** The organisation it belongs to; null: a personal configuration. */
  orgId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Everything needed to rebuild a document: apply the snapshot, then every tail update. */
export interface StoredDoc {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Log row ids of `updates`, same order (filled by loadConfigDoc: a room tracks what it has). */
  updateIds?: number[];
  /** The snapshot's fold count (0 without one): it changes exactly when a compaction ran. */
  snapshotVersion?: number;
  /** The configuration's organisation as the load read it (null: personal; filled by
   * loadConfigDoc, absent from stores without organisations): the room checks it against the
   * tenant whose bus channel it subscribed to (a move may have come between). */
  orgId?: string | null;
}

/** What a room asks storage for when it catches up (see `readTails`). */
export interface TailRequest {
  doc: DocKey;
  /** Rows with ids above this are wanted… */
  after: number;
  /** …except these, which the room already applied. */
  known: number[];
  /** The snapshot version the room has seen; a different one is sent along. */
  snapshotVersion: number;
}

export interface TailResult {
  /** Present only when the snapshot changed since `snapshotVersion` (a compaction ran). */
  snapshot?: { state: Uint8Array; version: number };
  updates: Array<{ id: number; update: Uint8Array }>;
}

export interface PendingUpdate {
  /** The room's own key: the commit path allocates nothing to name the document. */
  doc: DocKey;
  update: Uint8Array;
}

export interface CompactionResult {
  /** Log rows folded into the snapshot and deleted. */
  folded: number;
  snapshotBytes: number;
}

export interface NewConfig {
  name: string;
  initialState?: Uint8Array;
  ownerId?: string;
  orgId?: string | null;
  inTransaction?: (tx: Db, config: ConfigRecord) => Promise<void>;
}

export interface DocStorage {
  /** `orgId` places it in an organisation; `inTransaction` runs in the creating transaction (the
   * organisation's default team grants), so the configuration never exists without them. */
  createConfig(input: NewConfig): Promise<ConfigRecord>;
  getConfig(id: string): Promise<ConfigRecord | null>;
  listConfigs(): Promise<ConfigRecord[]>;
  renameConfig(id: string, name: string): Promise<ConfigRecord | null>;
  /** Soft delete: the row stays for audit, the config disappears from lists and loads. */
  deleteConfig(id: string): Promise<boolean>;
  /** Loads snapshot and log tail. Throws on storage failure: callers must never treat that as empty. */
  loadDoc(doc: DocKey): Promise<StoredDoc>;
  /** Like loadDoc, in one statement, and null when the configuration does not exist (or was
   * deleted): what a room load needs, in one round trip. A document of a live configuration that
   * holds nothing yet loads empty. */
  loadConfigDoc(doc: DocKey): Promise<StoredDoc | null>;
  /** `loadConfigDoc` of many documents at once, keyed by `DocKey.id`: a few round trips for all
   * of them rather than a transaction each (a reconnect storm loads hundreds of rooms at once).
   * Each document is read in one consistent view, as its tenant. Optional: without it, rooms
   * load one by one. */
  loadConfigDocs?(docs: DocKey[]): Promise<Map<string, StoredDoc | null>>;
  /** Appends many updates (any documents of any configs) in ONE transaction: all are durable or
   * none is. Resolves with the log row ids, in the order of `batch`. */
  appendUpdates(batch: PendingUpdate[]): Promise<number[]>;
  /** The catch-up read of many rooms in ONE statement (one consistent view, so a compaction
   * committing meanwhile cannot hide rows): each room's log rows after `after` it does not know,
   * and its snapshot when that changed, keyed by `DocKey.id`. Rooms with nothing new are absent
   * from the map. */
  readTails(requests: TailRequest[]): Promise<Map<string, TailResult>>;
  /** Marks configs as modified now. Kept off the commit path: callers throttle it per config. */
  touchConfigs(ids: string[]): Promise<void>;
  /** Number of log rows and their bytes not yet folded into the document's snapshot. */
  tailSize(doc: DocKey): Promise<{ count: number; bytes: number }>;
  /**
   * Folds a document's log into its snapshot in one transaction, serialised per config. `merge`
   * turns the stored snapshot plus updates into the new snapshot; only the rows it was given are
   * deleted.
   */
  compact(doc: DocKey, merge: (doc: StoredDoc) => Uint8Array): Promise<CompactionResult>;
  ping(): Promise<void>;
}
