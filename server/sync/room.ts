/**
 * A room: the in-memory Y.Doc of one open document of a configuration (its `DocKey`: the main
 * document, or another declared one) and the connections editing it.
 *
 * Durability rule (docs/architecture.md, "Durability"): a change is applied to the room's document at once
 * (so the server can validate and repair it), but nothing derived from it leaves the server —
 * neither the fan-out to other clients nor a sync step 2 that contains it — until the group
 * committer has made it durable. The author's own "saved" ack follows the same commit.
 *
 * The rest of the server reaches the document only through `DocumentRoom` (room-contract.ts):
 * `readDurable()` and `freeze()` read the committed copy (durable-state.ts), never the live
 * document, and `applyAs()` is the one write path besides sync, under the same limits.
 *
 * The y-protocols messages (sync steps, updates, awareness) are decoded and answered in
 * sync-messages.ts; a client's accepted update comes back here through `applyClientUpdate`.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { declareRoots, DOC_LAYOUT, rootOf, writeActions, type RootDeclaration } from '../../shared/doc-layout.ts';
import type { Action } from '../../shared/roles.ts';
import type { DocKey } from '../storage/doc-key.ts';
import { rootsByName, type RootsByName } from './placement-rules.ts';
import { encodeExt, type SavedAck } from '../../shared/ext-messages.ts';
import { SCHEMA_VERSION } from '../../shared/schema/version.ts';
import { Limits, MessageType } from '../../shared/protocol.ts';
import type { Connection } from './connection.ts';
import { BusKind, type BusMessage, type StoredRange } from './bus-frame.ts';
import { applyStored } from '../storage/stored-doc.ts';
import { DurableState } from './durable-state.ts';
import { editedParts, updateForEdits } from './room-edits.ts';
import { planFanOut } from './fan-out.ts';
import { touchedBy, type ChangeGroup, type CommittedGroup } from './change-group.ts';
import { EncodedState } from './encoded-state.ts';
import { CommitOrder } from './commit-order.ts';
import { StoredSeq } from './stored-seq.ts';
import { AwarenessOwners } from './presence.ts';
import { encodeAwareness, encodeSyncUpdate, greet, handleMessage } from './sync-messages.ts';

export { actorOrigin, LOAD_ORIGIN, originOf, refuse, REMOTE_ORIGIN, RoomWriteRefused, SERVER_ORIGIN } from './room-contract.ts';
export type {
  Actor,
  ActorOrigin,
  ActorSource,
  AppliedEdit,
  ClientUpdate,
  DocChange,
  DocOrigin,
  DocumentRoom,
  DocumentRooms,
  DurableSnapshot,
  FrozenState,
  RoomDeps,
  Refusal,
  RoomEdit,
  RoomHookCalls,
  RoomHooks,
  RoomLimits,
} from './room-contract.ts';
import {
  LOAD_ORIGIN,
  originOf,
  REMOTE_ORIGIN,
  RoomWriteRefused,
  SERVER_ORIGIN,
  type ActorOrigin,
  type AppliedEdit,
  type DocOrigin,
  type DocumentRoom,
  type DurableSnapshot,
  type FrozenState,
  type RoomDeps,
  type RoomEdit,
} from './room-contract.ts';

export class Room implements DocumentRoom {
  /** The live document. Only the sync layer and room hooks use it; routes see `DocumentRoom`.
   * Named by its key: Y.Doc's default guid is a UUID drawn from 31 separate random reads (about
   * 0.2 ms per document, paid by every room load of a reconnect storm), and the server has no
   * sub-documents, the only thing a guid is for. */
  readonly doc: Y.Doc;
  /** What of `doc` is durable (see durable-state.ts): the live document itself while nothing is
   * unsaved (and no client message is being applied: its change is counted only after the
   * features' hooks ran). */
  private readonly durable: DurableState;
  /** The roots the schema checks (the configuration), fixed at construction (see the constructor). */
  private readonly schemaChecked: ReadonlySet<Y.AbstractType<unknown>>;
  /** The userpatches tree's roots: its board files take part in validation (shared/boards/). */
  private readonly treeRoots: ReadonlySet<Y.AbstractType<unknown>>;
  readonly awareness: awarenessProtocol.Awareness;
  /** Sync step 1 and 2 as encoded for the document as it is now (encoded-state.ts). */
  readonly encoded = new EncodedState();
  readonly connections = new Set<Connection>();
  readonly awarenessOwners = new AwarenessOwners();
  /** Which stored log rows this room holds (what a catch-up from Postgres leaves out). */
  readonly stored: StoredSeq;
  /** Changes applied in memory and durable, and what waits for durability (commit-order.ts). */
  private readonly order = new CommitOrder();
  /** Groups committed since the last fan-out (see `flushCommitted`). */
  private committed: CommittedGroup[] = [];
  /** While a client message is being applied, its changes (and repairs) are gathered here. */
  private collecting: ChangeGroup | null = null;
  /** Approximate encoded size: loaded state plus every update since. Refreshed on compaction. */
  approxBytes = 0;
  /** Log rows in storage not yet folded into the snapshot. */
  tailCount = 0;
  tailBytes = 0;
  idleTimer: NodeJS.Timeout | null = null;
  compacting = false;
  readonly configId: string;
  /** The roots of this room's document (the main document's: `DOC_LAYOUT`). */
  readonly layout: readonly RootDeclaration[];
  /** The same by name, for the update check (made once here, not per update). */
  readonly roots: RootsByName;
  /** The actions that write some root of this document: holding none, a connection is read-only. */
  readonly writeActions: readonly Action[];

  constructor(
    /** Which document of which configuration: storage, the bus and the manager address it so. */
    readonly key: DocKey,
    /** What the room is built from; read by the sync-protocol handling (sync-messages.ts) too. */
    readonly deps: RoomDeps,
  ) {
    this.doc = new Y.Doc({ gc: true, guid: key.id });
    this.durable = new DurableState(this.doc, () => this.unsaved === 0 && this.collecting === null);
    this.configId = key.configId;
    this.layout = deps.layout ?? DOC_LAYOUT;
    this.roots = rootsByName(this.layout);
    this.writeActions = [...writeActions(this.layout)];
    // Without peers (no bus) nothing else writes this configuration: no catch-up, nothing to track.
    this.stored = new StoredSeq(Date.now, !deps.publish);
    // Fix the root types up front so a client update cannot decide what they are.
    declareRoots(this.doc, this.layout);
    this.schemaChecked = new Set(this.layout.filter((r) => r.checks === 'schema').map((r) => rootOf(this.doc, r) as Y.AbstractType<unknown>));
    this.treeRoots = new Set(this.layout.filter((r) => r.checks === 'filePaths').map((r) => rootOf(this.doc, r) as Y.AbstractType<unknown>));
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    // Registered once and never switched off (unlike onDocUpdate during a load): every change,
    // whatever its origin, outdates the encoded sync messages.
    this.doc.on('update', this.onAnyUpdate);
    this.doc.on('update', this.onDocUpdate);
    this.doc.on('afterTransaction', this.onAfterTransaction);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  private readonly onAnyUpdate = (): void => this.encoded.invalidate();

  /** Applies stored state (origin `load`): these updates are already durable. */
  loadStored(snapshot: Uint8Array | null, updates: Uint8Array[], ids: number[] = [], snapshotVersion = 0): void {
    this.doc.off('update', this.onDocUpdate);
    try {
      Y.transact(
        this.doc,
        () => applyStored(this.doc, { snapshot, updates }),
        LOAD_ORIGIN,
      );
    } finally {
      this.doc.on('update', this.onDocUpdate);
    }
    if (snapshot) this.durable.add(snapshot);
    for (const u of updates) this.durable.add(u);
    this.tailCount = updates.length;
    this.tailBytes = updates.reduce((n, u) => n + u.length, 0);
    this.approxBytes = (snapshot?.length ?? 0) + this.tailBytes;
    this.stored.know(ids);
    this.stored.snapshotVersion = snapshotVersion;
  }

  /** Applies stored state read back from Postgres (a catch-up): already durable, so it goes to
   * this process's clients like a peer's publication and is never stored again. Yjs skips what
   * the document already has. Returns the bytes read. */
  applyStored(snapshot: { state: Uint8Array; version: number } | null, updates: Array<{ id: number; update: Uint8Array }>): number {
    if (this.doc.isDestroyed) return 0;
    let bytes = snapshot?.state.length ?? 0;
    Y.transact(
      this.doc,
      () => {
        if (snapshot) Y.applyUpdate(this.doc, snapshot.state);
        for (const u of updates) {
          Y.applyUpdate(this.doc, u.update);
          bytes += u.update.length;
        }
      },
      REMOTE_ORIGIN,
    );
    this.stored.know(updates.map((u) => u.id));
    if (snapshot) this.stored.snapshotVersion = snapshot.version;
    return bytes;
  }

  /** Yjs holds structs (or deletions) whose causes it has not seen: some stored row is missing. */
  hasPending(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  get unsaved(): number {
    return this.order.unsaved;
  }

  /** Resolves once every change applied so far is durable. */
  whenSaved(): Promise<void> {
    return this.order.whenSaved();
  }

  /** Runs `fn` as a server transaction of the room's own (the layout migration at load). */
  transactAsServer(fn: () => void): void {
    Y.transact(this.doc, fn, SERVER_ORIGIN);
  }

  readDurable(): DurableSnapshot {
    return this.durable.read();
  }

  /**
   * One ordering for every freeze: first wait until everything applied when the freeze was asked
   * for is durable (the edit someone typed just before pressing Build belongs in it), then read
   * the durable copy, JSON, state and hash together in one synchronous step. Changes that arrive
   * while waiting are in the copy only if they are committed too, so the result is always one
   * committed point, never a mix with unsaved edits.
   */
  async freeze(): Promise<FrozenState> {
    await this.order.whenSaved();
    return { ...this.readDurable(), schemaVersion: SCHEMA_VERSION };
  }

  /**
   * The write path for REST writes and restores, under the limits a client's update meets: the
   * update is made on a scratch copy first (room-edits.ts), refused whole when it does not fit,
   * then applied in one transaction with `origin`, so it is committed, fanned out and credited in
   * the change log like any change. Copy, edit and apply run in one synchronous step: nothing
   * changes the room in between. `before` may hold others' edits not yet committed; they were
   * applied first, so they are durable by the time the promise resolves, like the edit itself.
   */
  async applyAs(origin: ActorOrigin, edits: readonly RoomEdit[]): Promise<AppliedEdit> {
    const limits = this.deps.limits ?? Limits;
    if (this.unsaved >= limits.maxUnsavedUpdatesPerRoom) {
      throw new RoomWriteRefused('unsaved_backlog', 'too many changes of this configuration are not saved yet; try again in a moment');
    }
    const before = editedParts(this.doc);
    const update = updateForEdits(this.doc, before, edits);
    if (update && this.approxBytes + update.length > limits.maxDocumentBytes) {
      throw new RoomWriteRefused('document_too_large', `the configuration would exceed ${limits.maxDocumentBytes} bytes`);
    }
    if (update) Y.applyUpdate(this.doc, update, origin);
    const after = editedParts(this.doc);
    await this.order.whenSaved();
    return {
      config: { before: before.config, after: after.config },
      texts: { before: before.texts, after: after.texts },
      files: { before: before.files, after: after.files },
    };
  }

  addConnection(conn: Connection): void {
    this.connections.add(conn);
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    greet(this, conn);
    this.deps.hooks.onJoin(this, conn);
  }

  removeConnection(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    const ids = this.awarenessOwners.release(conn);
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, conn);
  }

  /** Entry point for every frame a client sends (sync-messages.ts). Never throws: bad input
   * closes that connection. */
  handleMessage(conn: Connection, data: Uint8Array): void {
    handleMessage(this, conn, data);
  }

  /** Sends a message to every connection that asked for extension messages. */
  broadcastExt(message: Uint8Array): void {
    for (const c of this.connections) if (c.ext) c.send(message);
  }

  /** Runs `run` once everything applied so far is durable (at once when it already is). */
  whenDurable(run: () => void): void {
    this.order.afterApplied(run);
  }

  /**
   * Applies a client's update that passed the update check, the limits and the features' veto
   * hooks: the update and whatever the hooks do on top of it (repairs) form one group, committed
   * together and fanned out once durable. The author's "saved" ack follows the same commit.
   */
  applyClientUpdate(conn: Connection, update: Uint8Array, clocks: Record<string, number>): void {
    this.deps.observer?.applied();
    conn.received += 1;
    const seqOfMessage = conn.received;
    const group: ChangeGroup = { author: conn, updates: [], receivedAt: performance.now(), touchedConfig: false, touchedFiles: false };
    this.collecting = group;
    try {
      Y.applyUpdate(this.doc, update, conn.origin);
      // Known from the update event of the apply (nothing changed: nothing to check).
      const { touchedConfig, touchedFiles } = group;
      this.deps.hooks.afterClientChange(this, conn, { touchedConfig, touchedFiles });
    } finally {
      this.collecting = null;
      this.commitGroup(group);
    }
    // Acknowledge once everything up to and including this message is durable (also when the
    // message changed nothing because the server already had it).
    if (conn.ext) {
      this.order.afterApplied(() => {
        const ack: SavedAck = { seq: seqOfMessage, clocks };
        conn.send(encodeExt(MessageType.saved, ack));
      });
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    const from = originOf(origin);
    if (from.kind === 'remote') {
      // Committed by the process that received it: straight to our clients, never stored again.
      this.durable.add(update);
      this.approxBytes += update.length;
      const message = encodeSyncUpdate(update);
      for (const c of this.connections) c.send(message);
      this.deps.hooks.afterCommit(this, touchedBy(transaction, this.schemaChecked, this.treeRoots));
      return;
    }
    const { touchedConfig, touchedFiles } = touchedBy(transaction, this.schemaChecked, this.treeRoots);
    if (this.collecting) {
      this.collecting.updates.push({ update, origin: from });
      this.collecting.touchedConfig ||= touchedConfig;
      this.collecting.touchedFiles ||= touchedFiles;
      return;
    }
    this.commitGroup({ author: null, updates: [{ update, origin: from }], touchedConfig, touchedFiles });
  };

  private commitGroup(group: ChangeGroup): void {
    if (group.updates.length === 0) return;
    let bytes = 0;
    for (const u of group.updates) bytes += u.update.length;
    this.approxBytes += bytes;
    const seq = this.order.apply(group.updates.length);
    const ids: number[] = [];
    group.updates.forEach((u, i) => {
      const last = i === group.updates.length - 1;
      this.deps.committer.enqueue(this.key, u.update, (id) => {
        ids.push(id);
        if (!last) return;
        const prev = this.stored.max;
        this.stored.know(ids);
        this.committed.push({ group, prev, ids, seq, bytes });
        if (this.committed.length === 1) queueMicrotask(this.flushCommitted);
      });
    });
  }

  /**
   * Everything committed since the last flush leaves together: the committer acknowledges a whole
   * batch (every room's updates of one INSERT) in one synchronous pass, and this microtask runs
   * after it, so however many of this room's changes the batch held, the room publishes once and
   * sends each connection one frame (docs/architecture.md, "Fan-out"). Strictly after the
   * commit, as before; the waiters (acks, sync step 2 replies, freezes) run after the fan-out.
   */
  private readonly flushCommitted = (): void => {
    const done = this.committed;
    this.committed = [];
    if (done.length === 0) return;
    let count = 0;
    let bytes = 0;
    let touchedConfig = false;
    let touchedFiles = false;
    const groups: ChangeGroup[] = [];
    const ids: number[] = [];
    for (const d of done) {
      groups.push(d.group);
      for (const id of d.ids) ids.push(id);
      for (const u of d.group.updates) this.durable.add(u.update);
      count += d.group.updates.length;
      bytes += d.bytes;
      touchedConfig ||= d.group.touchedConfig;
      touchedFiles ||= d.group.touchedFiles;
    }
    // The committer is strictly ordered, so the last one is the highest durable sequence.
    this.order.settle(done[done.length - 1].seq);
    this.tailCount += count;
    this.tailBytes += bytes;
    this.fanOut(groups, { prev: done[0].prev, ids });
    this.order.runDue();
    this.deps.onCommitted?.(this, count, bytes);
    this.deps.hooks.afterCommit(this, { touchedConfig, touchedFiles });
    this.durable.settle();
  };

  private fanOut(groups: readonly ChangeGroup[], stored: StoredRange): void {
    const now = performance.now();
    for (const g of groups) if (g.receivedAt !== undefined) this.deps.observer?.fannedOut((now - g.receivedAt) / 1000);
    const plan = planFanOut(groups);
    this.deps.publish?.(BusKind.update, plan.merged, stored);
    const all = encodeSyncUpdate(plan.merged);
    for (const c of this.connections) {
      if (!plan.authors.has(c)) c.send(all);
    }
    // An author already has its own changes; it still needs the rest (others' changes in the
    // same flush, and what the server did on top: repairs).
    for (const [author, rest] of plan.authors) if (rest) author.send(encodeSyncUpdate(rest));
  }

  // The hook runner never throws (server/features/hook-runner.ts): thrown inside Yjs' transaction
  // cleanup a feature's error would abort the message that made the change.
  private readonly onAfterTransaction = (transaction: Y.Transaction): void => {
    this.deps.hooks.afterTransaction(this, transaction);
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (origin && typeof origin === 'object' && this.connections.has(origin as Connection)) {
      this.awarenessOwners.record(origin as Connection, [...added, ...updated], removed);
    }
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    if (origin !== REMOTE_ORIGIN) this.deps.publish?.(BusKind.awareness, update);
    const message = encodeAwareness(update);
    for (const c of this.connections) c.send(message);
  };

  /** A message from another server process holding this room. */
  applyRemote(message: BusMessage): void {
    if (this.doc.isDestroyed) return;
    if (message.kind === BusKind.update) {
      // The publisher held a row we do not: a publication was lost on the way (or it read the
      // row from Postgres before its author published it). Either way, read it back.
      const gap = (message.stored?.prev ?? 0) > this.stored.max;
      Y.applyUpdate(this.doc, message.payload, REMOTE_ORIGIN);
      this.stored.know(message.stored?.ids ?? []);
      this.durable.settle();
      if (gap) this.deps.onBehind?.(this, 'gap');
      else if (this.hasPending()) this.deps.onBehind?.(this, 'pending');
    } else if (message.kind === BusKind.catchUpHint) this.deps.onBehind?.(this, 'hint');
    else if (message.kind === BusKind.awareness) awarenessProtocol.applyAwarenessUpdate(this.awareness, message.payload, REMOTE_ORIGIN);
    else if (message.kind === BusKind.ext) this.broadcastExt(message.payload);
  }

  destroy(): void {
    this.doc.off('update', this.onAnyUpdate);
    this.doc.off('update', this.onDocUpdate);
    this.doc.off('afterTransaction', this.onAfterTransaction);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
    this.durable.destroy();
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }
}
