/**
 * Loads rooms on first connection, unloads them after the last one leaves (plus an idle delay),
 * and folds their update logs into snapshots when the logs pass named thresholds. A room is one
 * document of a configuration, keyed by its `DocKey` (docs/architecture.md, "Document layout"):
 * the main document, or another one the configuration's declared documents name.
 */
import type { Logger } from 'pino';
import { encodeExtEvent, type ExtKind, type ExtPayloads } from '../../shared/ext-messages.ts';
import { migrateLayout, needsLayoutMigration } from '../../shared/doc-layout-migration.ts';
import { CONFIG_DOCUMENTS, documentNamed, documentsProblem, type DocumentDeclaration } from '../../shared/doc-layout.ts';
import { docKey, isMainDoc, mainDoc, type DocKey } from '../storage/doc-key.ts';
import { CloseCode, Limits, Timeouts } from '../../shared/protocol.ts';
import { mergeStored } from '../storage/stored-doc.ts';
import { CompactionSlots } from './compaction-slots.ts';
import type { DocStorage, StoredDoc } from '../storage/types.ts';
import type { Connection } from './connection.ts';
import type { GroupCommitter } from './group-committer.ts';
import { Room, type RoomHookCalls, type RoomLimits } from './room.ts';
import { NO_ROOM_HOOKS } from './room-contract.ts';
import { BusKind, type BusMessage, type RoomBus, type Subscription } from './room-bus.ts';
import { RoomCatchUp, type CatchUpObserver } from './room-catch-up.ts';
import { createRoomLoadBatch } from './room-load-batch.ts';
import type { SyncObserver } from '../metrics.ts';
import { tenantOfOrg, type Tenant } from '../db/tenant.ts';

/** Compact when this many log rows pile up: loads stay fast (a load replays the whole tail). */
export const COMPACT_AFTER_UPDATES = 500;
/** …or when the tail reaches this many bytes (a few large pastes). */
export const COMPACT_AFTER_BYTES = 1024 * 1024;
/** On unload, fold any tail longer than this so the next load is a single snapshot read. */
const COMPACT_ON_UNLOAD_MIN_UPDATES = 20;
/** `updated_at` of a config is refreshed at most this often while it is edited: it is for lists,
 * not for durability, so it stays off the commit path. */
const TOUCH_INTERVAL_MS = 5_000;
/** A room load waits this long for its bus subscription before serving from Postgres alone (and
 * catching up once the subscription is confirmed): a Redis outage must not stop anyone from
 * opening a configuration. Redis confirms a subscription in about a millisecond. */
export const SUBSCRIBE_WAIT_MS = 1_000;
/** A room load whose configuration moved between choosing its channel and reading it starts over
 * at most this many times (a move is a person's click: two in one load is already unlikely). */
const MAX_TENANT_RETRIES = 3;

export class RoomLoadError extends Error {
  constructor(
    readonly code: 'not_found' | 'load_failed',
    message: string,
  ) {
    super(message);
  }
}

export interface RoomManagerOptions {
  storage: DocStorage;
  committer: GroupCommitter;
  logger: Logger;
  /** Every feature's room hooks, run under their policies (server/features/hook-runner.ts);
   * none without features. */
  hooks?: RoomHookCalls;
  idleUnloadMs?: number;
  compactAfterUpdates?: number;
  compactAfterBytes?: number;
  /** Other server processes, through Redis; absent when this process is alone. */
  bus?: RoomBus;
  observer?: SyncObserver;
  /** Operator settings (server/settings.ts); default shared/protocol.ts `Limits`. */
  limits?: RoomLimits & { maxConnectionsPerRoom: number };
  catchUpObserver?: CatchUpObserver;
  /** Steady catch-up interval (default CATCH_UP_INTERVAL_MS). */
  catchUpIntervalMs?: number;
  /** The documents a configuration may hold (default shared/doc-layout.ts `CONFIG_DOCUMENTS`;
   * tests declare a second one). */
  documents?: readonly DocumentDeclaration[];
}

export class RoomManager {
  /** Loaded rooms by `DocKey.id` (the configuration id for a main document). */
  readonly rooms = new Map<string, Room>();
  readonly documents: readonly DocumentDeclaration[];
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly touchPending = new Set<string>();
  private readonly unsubscribers = new Map<Room, () => Promise<void>>();
  /** The tenant each loaded room's bus channel is named with (room-bus.ts). */
  private readonly tenants = new Map<Room, Tenant>();
  /** Relocations seen per configuration (`relocate`): a load that saw one while in flight starts
   * over, so it never keeps the old channel. */
  private readonly relocations = new Map<string, number>();
  /** Fills whatever the bus lost from Postgres (see room-catch-up.ts). */
  readonly catchUp: RoomCatchUp;
  private touchTimer: NodeJS.Timeout | null = null;
  private readonly idleUnloadMs: number;
  private readonly compactAfterUpdates: number;
  private readonly compactAfterBytes: number;
  /** A few compactions at a time (compaction-slots.ts). */
  private readonly compactions = new CompactionSlots();
  private readonly hooks: RoomHookCalls;
  /** Stored state of a document, read together with the other loads asked for meanwhile. */
  private readonly readStored: (key: DocKey) => Promise<StoredDoc | null>;

  constructor(private readonly options: RoomManagerOptions) {
    this.readStored = createRoomLoadBatch(options.storage);
    this.idleUnloadMs = options.idleUnloadMs ?? Timeouts.roomIdleUnloadMs;
    this.compactAfterUpdates = options.compactAfterUpdates ?? COMPACT_AFTER_UPDATES;
    this.compactAfterBytes = options.compactAfterBytes ?? COMPACT_AFTER_BYTES;
    this.hooks = options.hooks ?? NO_ROOM_HOOKS;
    this.documents = options.documents ?? CONFIG_DOCUMENTS;
    const problem = documentsProblem(this.documents);
    if (problem) throw new Error(`declared documents: ${problem}`);
    this.catchUp = new RoomCatchUp({
      storage: options.storage,
      logger: options.logger,
      rooms: () => this.rooms.values(),
      observer: options.catchUpObserver,
      intervalMs: options.catchUpIntervalMs,
    });
    // Single process: Postgres only changes through this process, nothing to catch up with.
    if (options.bus) this.catchUp.start();
    options.bus?.onReconnect(() => this.catchUp.requestAll('reconnect'));
  }

  /** The key of the configuration's document `docName`, or null when no declared document has
   * that name (a name from a URL goes through here). */
  keyOf(configId: string, docName: unknown): DocKey | null {
    return docKey(configId, docName, this.documents);
  }

  /** The loaded room, or null. Never loads. */
  peek(key: DocKey): Room | null {
    return this.rooms.get(key.id) ?? null;
  }

  /** Every loaded room of the configuration, one per document (access changes reach them all). */
  roomsOf(configId: string): Room[] {
    const out: Room[] = [];
    for (const d of this.documents) {
      const room = this.rooms.get(docKey(configId, d.name, this.documents)!.id);
      if (room) out.push(room);
    }
    return out;
  }

  /** Sends a live event (a comment, a review decision, a history event; `ExtPayloads`) to the
   * configuration's extension clients on every server process: here if the room is loaded, and
   * through the bus whether or not it is, because the people watching may all be connected to
   * another process while this one handled the REST call. */
  publishExt<K extends ExtKind>(configId: string, kind: K, payload: ExtPayloads[K]): void {
    const message = encodeExtEvent(kind, payload);
    const room = this.rooms.get(configId);
    room?.broadcastExt(message);
    const { bus } = this.options;
    if (!bus) return;
    // Live events go to the main document's clients (the configuration's editor), on the channel
    // of its tenant: the loaded room's, else the configuration's as stored now.
    const tenant = room ? this.tenants.get(room) : undefined;
    if (tenant !== undefined) {
      bus.publish(room!.key, tenant, BusKind.ext, message);
      return;
    }
    void this.tenantOf(configId).then(
      (found) => {
        if (found !== null) bus.publish(mainDoc(configId), found, BusKind.ext, message);
      },
      (error: unknown) => this.options.logger.warn({ err: error, configId }, 'live event not sent to other processes: tenant unknown'),
    );
  }

  /** The configuration's tenant as stored now; null when it does not exist (or was deleted). */
  private async tenantOf(configId: string): Promise<Tenant | null> {
    const record = await this.options.storage.getConfig(configId);
    return record ? tenantOfOrg(record.orgId) : null;
  }

  /**
   * The configuration moved to another organisation (`POST /api/configs/:id/move`, here or on
   * another process): its rooms here go, their connections closed with `configMoved` (clients
   * reconnect at once, and their access is decided afresh), so that the next load subscribes to
   * the new tenant's channel and no process keeps publishing on the old one. Edits not yet
   * committed are committed by the old room (its commit path does not depend on the channel);
   * peers that missed their publication catch up from Postgres.
   */
  relocate(configId: string): void {
    this.relocations.set(configId, (this.relocations.get(configId) ?? 0) + 1);
    for (const room of this.roomsOf(configId)) {
      this.rooms.delete(room.key.id);
      for (const conn of [...room.connections]) conn.close(CloseCode.configMoved);
      void this.retire(room);
    }
  }

  /** Destroys a room taken out of `rooms` once its edits are committed, and leaves its channel. */
  private async retire(room: Room): Promise<void> {
    await room.whenSaved().catch(() => undefined);
    room.destroy();
    await this.unsubscribers.get(room)?.();
    this.unsubscribers.delete(room);
    this.tenants.delete(room);
  }

  /** Sends a live event to this process's clients of the configuration only: for news every
   * process hears by itself (build status from the builders' channel), which the bus would
   * otherwise deliver once per process. Nothing happens when the room is not loaded here. */
  deliverExt<K extends ExtKind>(configId: string, kind: K, payload: ExtPayloads[K]): void {
    this.rooms.get(configId)?.broadcastExt(encodeExtEvent(kind, payload));
  }

  /** Returns the room, loading it if needed. A failed load throws and leaves nothing behind, so
   * the configuration is never served (or overwritten) as an empty document. */
  async get(key: DocKey): Promise<Room> {
    const loaded = this.rooms.get(key.id);
    if (loaded) return loaded;
    const pending = this.loading.get(key.id);
    if (pending) return pending;
    const promise = this.load(key).finally(() => this.loading.delete(key.id));
    this.loading.set(key.id, promise);
    return promise;
  }

  private async load(key: DocKey): Promise<Room> {
    for (let attempt = 0; ; attempt++) {
      const room = await this.loadOnce(key, attempt < MAX_TENANT_RETRIES);
      if (room) return room;
    }
  }

  /** One load attempt; null when the configuration moved meanwhile (and `mayRetry`). */
  private async loadOnce(key: DocKey, mayRetry: boolean): Promise<Room | null> {
    const { storage, logger, bus } = this.options;
    const { configId } = key;
    const main = isMainDoc(key);
    const declared = documentNamed(key.docName, this.documents);
    if (!declared) throw new RoomLoadError('not_found', 'unknown document');
    const relocationsBefore = this.relocations.get(configId) ?? 0;
    // The channel is the tenant's (room-bus.ts), so the tenant is read first; the load below
    // reads it again in its own statement and starts over if a move came between.
    let tenant: Tenant = tenantOfOrg(null);
    if (bus) {
      let found: Tenant | null;
      try {
        found = await this.tenantOf(configId);
      } catch (error) {
        logger.error({ err: error, configId }, 'room load failed');
        throw new RoomLoadError('load_failed', 'configuration could not be loaded');
      }
      if (found === null) throw new RoomLoadError('not_found', 'unknown configuration');
      tenant = found;
    }
    // Subscribe before reading storage: anything committed elsewhere after our read arrives on
    // the channel, anything before it is in the read. Messages are held until the room exists.
    // While Redis is away the load goes on from Postgres alone; once the subscription is
    // confirmed the room catches up, which covers whatever was published before it.
    let early: BusMessage[] | null = [];
    let room: Room | null = null;
    const subscription: Subscription | null = bus
      ? bus.subscribe(key, tenant, (message) => {
          if (room) room.applyRemote(message);
          else early?.push(message);
        })
      : null;
    const unsubscribe = subscription ? () => subscription.unsubscribe() : null;
    let subscribed = !subscription;
    if (subscription && bus?.isUp()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        subscription.ready.then(() => (subscribed = true)),
        new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    let stored: StoredDoc;
    try {
      const found = await this.readStored(key);
      if (!found) throw new RoomLoadError('not_found', 'unknown configuration');
      stored = found;
    } catch (error) {
      await unsubscribe?.();
      if (error instanceof RoomLoadError) throw error;
      logger.error({ err: error, configId, doc: key.docName }, 'room load failed');
      throw new RoomLoadError('load_failed', 'configuration could not be loaded');
    }
    if (bus && mayRetry && stored.orgId !== undefined && tenantOfOrg(stored.orgId) !== tenant) {
      await unsubscribe?.();
      return null;
    }
    room = new Room(key, {
      committer: this.options.committer,
      logger: logger.child(main ? { configId } : { configId, doc: key.docName }),
      // Features hook the configuration's main document (the schema, the change log, the build
      // gate read its roots); another document gets the hooks of the feature that declares it
      // once one does (docs/architecture.md, "Document layout").
      hooks: main ? this.hooks : NO_ROOM_HOOKS,
      layout: declared.roots,
      onCommitted: (r) => this.afterCommit(r),
      observer: this.options.observer,
      limits: this.options.limits,
      // Published even while Redis is away: failures are counted, and peers catch up from Postgres.
      publish: bus ? (kind, payload, range) => bus.publish(key, tenant, kind, payload, range) : undefined,
      onBehind: (r, reason) => this.catchUp.request(r, reason),
    });
    try {
      room.loadStored(stored.snapshot, stored.updates, stored.updateIds, stored.snapshotVersion);
    } catch (error) {
      room.destroy();
      await unsubscribe?.();
      logger.error({ err: error, configId, doc: key.docName }, 'stored state could not be applied');
      throw new RoomLoadError('load_failed', 'stored state could not be applied');
    }
    for (const message of early ?? []) room.applyRemote(message);
    early = null;
    // A document stored in an older layout (free text as plain strings) is brought up to date
    // in one server transaction, durable before the room serves anyone: no client ever syncs
    // the old layout and then races the conversion (docs/architecture.md, "Document layout").
    if (main && needsLayoutMigration(room.doc)) {
      let converted = 0;
      const migrating = room;
      migrating.transactAsServer(() => {
        converted = migrateLayout(migrating.doc);
      });
      logger.info({ configId, converted }, 'migrated document layout');
      await room.whenSaved();
    }
    if (mayRetry && (this.relocations.get(configId) ?? 0) !== relocationsBefore) {
      // Moved while loading: this room's channel may be the old tenant's.
      room.destroy();
      await unsubscribe?.();
      return null;
    }
    if (unsubscribe) this.unsubscribers.set(room, unsubscribe);
    this.tenants.set(room, tenant);
    this.rooms.set(key.id, room);
    if (subscription && !subscribed) {
      const loaded = room;
      void subscription.ready.then(() => {
        if (this.rooms.get(key.id) === loaded) this.catchUp.request(loaded, 'subscribed');
      });
    }
    this.scheduleIdleCheck(room);
    return room;
  }

  /** Adds a connection, enforcing the per-room connection limit. */
  join(room: Room, conn: Connection): boolean {
    if (room.connections.size >= (this.options.limits ?? Limits).maxConnectionsPerRoom) {
      conn.close(CloseCode.roomFull);
      return false;
    }
    // A room nobody watched was left out of the steady catch-up: refresh it for its first viewer.
    if (room.connections.size === 0 && this.options.bus) this.catchUp.request(room, 'interval');
    room.addConnection(conn);
    return true;
  }

  leave(room: Room, conn: Connection): void {
    room.removeConnection(conn);
    if (room.connections.size === 0) this.scheduleIdleCheck(room);
  }

  private scheduleIdleCheck(room: Room): void {
    if (room.idleTimer) clearTimeout(room.idleTimer);
    room.idleTimer = setTimeout(() => {
      room.idleTimer = null;
      void this.unloadIfIdle(room);
    }, this.idleUnloadMs);
    room.idleTimer.unref();
  }

  private async unloadIfIdle(room: Room): Promise<void> {
    if (room.connections.size > 0 || this.rooms.get(room.key.id) !== room) return;
    if (room.unsaved > 0) {
      // Still committing (maybe Postgres is away): keep it in memory and look again later.
      this.scheduleIdleCheck(room);
      return;
    }
    this.rooms.delete(room.key.id);
    room.destroy();
    await this.unsubscribers.get(room)?.();
    this.unsubscribers.delete(room);
    this.tenants.delete(room);
    if (room.tailCount >= COMPACT_ON_UNLOAD_MIN_UPDATES) await this.compact(room);
  }

  private afterCommit(room: Room): void {
    this.touch(room.configId);
    if (this.tailOverThreshold(room)) void this.compact(room);
  }

  private tailOverThreshold(room: Room): boolean {
    return room.tailCount >= this.compactAfterUpdates || room.tailBytes >= this.compactAfterBytes;
  }

  /** Folds the stored log of a room into its snapshot. Safe to call any time. */
  async compact(room: Room): Promise<void> {
    if (room.compacting) return;
    room.compacting = true;
    let folded = 0;
    try {
      const result = await this.compactions.run(() => this.options.storage.compact(room.key, mergeStored));
      folded = result.folded;
      room.tailCount = Math.max(0, room.tailCount - result.folded);
      room.tailBytes = room.tailCount === 0 ? 0 : room.tailBytes;
      room.approxBytes = result.snapshotBytes + room.tailBytes;
    } catch (error) {
      // The log is untouched when the transaction fails; we simply try again at the next threshold.
      this.options.logger.error({ err: error, configId: room.configId, doc: room.key.docName }, 'compaction failed');
    } finally {
      room.compacting = false;
    }
    // Commits that landed while this compaction ran found it busy and started none; if they took
    // the tail past the threshold again, fold them now: the next edit, which would have, may never
    // come. Only after progress (a failing database is retried at the next commit, not in a loop),
    // and only for a room still loaded (an unloading room has had its last compaction).
    if (folded > 0 && this.rooms.get(room.key.id) === room && this.tailOverThreshold(room)) void this.compact(room);
  }

  private touch(configId: string): void {
    this.touchPending.add(configId);
    if (this.touchTimer) return;
    this.touchTimer = setTimeout(() => {
      this.touchTimer = null;
      const ids = [...this.touchPending];
      this.touchPending.clear();
      this.options.storage.touchConfigs(ids).catch((error) => {
        this.options.logger.warn({ err: error }, 'could not refresh updated_at');
      });
    }, TOUCH_INTERVAL_MS);
    this.touchTimer.unref();
  }

  /** Closes every connection (with `close`) and waits for pending commits. */
  async closeAll(close: { code: number; reason: string }, flushTimeoutMs: number): Promise<void> {
    this.catchUp.stop();
    for (const room of this.rooms.values()) {
      for (const conn of [...room.connections]) conn.close(close);
    }
    await this.options.committer.flushed(flushTimeoutMs);
    if (this.touchTimer) clearTimeout(this.touchTimer);
    const ids = [...this.touchPending];
    if (ids.length > 0) {
      await this.options.storage.touchConfigs(ids).catch((error: unknown) => this.options.logger.warn({ err: error }, 'final touch failed'));
    }
    for (const room of this.rooms.values()) {
      room.destroy();
      await this.unsubscribers.get(room)?.();
    }
    this.unsubscribers.clear();
    this.tenants.clear();
    this.rooms.clear();
  }
}
