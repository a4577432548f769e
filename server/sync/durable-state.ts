/**
 * The committed state of a room, beside its live document (docs/architecture.md, "Durability"):
 * the live document holds changes the moment they are applied, this one only once they are
 * durable (stored at load, committed by the group committer, or committed by a peer). REST reads,
 * builds, versions and reviews read it, so nothing they serve can be lost by a kill -9.
 *
 * Kept as Yjs update bytes, not as a second document: a Y.Doc costs a few kilobytes of objects
 * even when nobody ever reads it, and most rooms are never read over REST while they are loaded
 * (15,000 idle connections over 1,500 rooms held 1,500 of them). A read builds what it needs:
 *
 * - When every change the live document holds is durable (the usual case: the room is quiet, or a
 *   freeze has just waited for the commit), the live document *is* the committed state and is read
 *   directly, outside any transaction (inside one, a hook may have applied a change whose update
 *   event has not fired yet, so the room does not count it as unsaved).
 * - Otherwise a scratch document is built from the bytes, read and dropped.
 *
 * Cheap on the sync path: a committed update is only remembered (one array push); past
 * FOLD_AFTER_UPDATES the room folds them into the bytes at its next quiet moment, by encoding the
 * live document (garbage-collected: deleted text takes no room), and only past
 * FOLD_WITHOUT_QUIET_AFTER without one by the much slower `Y.mergeUpdates`.
 * Yjs applies an update it already has as a no-op, so an update given twice (a peer's publication
 * and the catch-up that read the same row) does no harm.
 */
import * as Y from 'yjs';
import { documentContentHash } from '../../shared/node/content-hash.ts';
import { configToJson } from '../../shared/doc-binding.ts';
import { rootTexts } from '../../shared/notes-text.ts';
import { readStored } from '../storage/stored-doc.ts';
import type { DurableSnapshot } from './room-contract.ts';

/** Committed updates remembered one by one before the room folds them into its bytes at its next
 * quiet moment (`settle`: nothing unsaved, so the fold is an encode of the live document, a few
 * milliseconds for a large one). */
export const FOLD_AFTER_UPDATES = 256;
/** Without a quiet moment for this many commits, they are folded anyway, by `Y.mergeUpdates`:
 * that reads the whole document and is slow (about 10 ms per 256 small updates), so it is the
 * exception. Every FOLD_AFTER_UPDATES it stalled the commits of every room of the same rate under
 * load, all reaching it in the same second. Bounds what a busy room keeps. */
export const FOLD_WITHOUT_QUIET_AFTER = 2_048;

export class DurableState {
  /** The committed state up to the last fold (null: nothing committed before it). */
  private base: Uint8Array | null = null;
  /** Committed since the last fold, in commit order. */
  private pending: Uint8Array[] = [];

  constructor(
    /** The room's live document. */
    private readonly live: Y.Doc,
    /** True when every change applied to `live` is durable (the room's unsaved count is 0). */
    private readonly liveIsDurable: () => boolean,
  ) {}

  /** `update` is durable. */
  add(update: Uint8Array): void {
    this.pending.push(owned(update));
    if (this.pending.length >= FOLD_WITHOUT_QUIET_AFTER) this.fold();
  }

  /** The room has just committed: if enough piled up and the live document is all durable now,
   * fold by encoding it. */
  settle(): void {
    if (this.pending.length >= FOLD_AFTER_UPDATES && this.liveReadable()) this.fold();
  }

  /** JSON, Yjs state, content hash and texts of the committed state, all from one point. */
  read(): DurableSnapshot {
    if (this.liveReadable()) return this.keep(durableSnapshotOf(this.live));
    this.fold();
    return this.keep(readStored({ snapshot: this.base, updates: [] }, durableSnapshotOf));
  }

  destroy(): void {
    this.base = null;
    this.pending = [];
  }

  /** The live document holds exactly the committed state and no transaction is under way. */
  private liveReadable(): boolean {
    return this.liveIsDurable() && this.live._transaction === null && this.live._transactionCleanups.length === 0;
  }

  /** A read encoded the whole committed state (garbage-collected): it replaces the bytes. */
  private keep(snapshot: DurableSnapshot): DurableSnapshot {
    this.base = snapshot.yjsState;
    this.pending = [];
    return snapshot;
  }

  private fold(): void {
    if (this.pending.length === 0) return;
    this.base = this.liveReadable() ? Y.encodeStateAsUpdate(this.live) : Y.mergeUpdates(this.base ? [this.base, ...this.pending] : this.pending);
    this.pending = [];
  }
}

/** `bytes`, or a copy of them when they are a view into a larger buffer: rows read from Postgres
 * are small slices of the driver's (or Node's 8 KiB pool) buffers, and keeping a slice keeps the
 * whole buffer. (Not `bytes.slice()`: on a Node Buffer that is another view of the same memory.) */
function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

/** What a durable read answers, all from one document: the loaded room's committed state, or a
 * document rebuilt from storage when no room is loaded (`server/config-doc.ts`). */
export function durableSnapshotOf(doc: Y.Doc): DurableSnapshot {
  const configJson = configToJson(doc);
  return { configJson, yjsState: Y.encodeStateAsUpdate(doc), contentHash: documentContentHash(doc), texts: rootTexts(doc) };
}
