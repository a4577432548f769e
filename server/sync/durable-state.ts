/**
 * The committed state of a room, beside its live document (docs/architecture.md, "Durability"):
 * the live document holds changes the moment they are applied, this one only once they are
 * durable (stored at load, committed by the group committer, or committed by a peer). REST reads,
 * builds, versions and reviews read it, so nothing they serve can be lost by a kill -9.
 *
 * Cheap on the sync path: a committed update is only remembered (one array push); the copy
 * applies what it was given when someone reads it, or once FOLD_AFTER_UPDATES have piled up, in
 * one transaction. Yjs applies an update it already has as a no-op, so an update given twice (a
 * peer's publication and the catch-up that read the same row) does no harm.
 */
import * as Y from 'yjs';
import { documentContentHash } from '../../shared/node/content-hash.ts';
import { configToJson } from '../../shared/doc-binding.ts';
import { rootTexts } from '../../shared/notes-text.ts';
import type { DurableSnapshot } from './room-contract.ts';

/** Committed updates remembered before they are applied to the copy: bounds the memory a room
 * nobody reads over REST keeps, and makes each apply a batch (one transaction for many). */
export const FOLD_AFTER_UPDATES = 256;

export class DurableState {
  private readonly doc = new Y.Doc({ gc: true });
  private pending: Uint8Array[] = [];

  /** `update` is durable. */
  add(update: Uint8Array): void {
    this.pending.push(update);
    if (this.pending.length >= FOLD_AFTER_UPDATES) this.fold();
  }

  /** The committed document, up to date. Read it synchronously and do not keep it: it moves on
   * with the next commit. */
  current(): Y.Doc {
    this.fold();
    return this.doc;
  }

  destroy(): void {
    this.pending = [];
    this.doc.destroy();
  }

  private fold(): void {
    if (this.pending.length === 0) return;
    const updates = this.pending;
    this.pending = [];
    Y.transact(this.doc, () => {
      for (const u of updates) Y.applyUpdate(this.doc, u);
    });
  }
}

/** What a durable read answers, all from one document: the loaded room's committed copy, or a
 * document rebuilt from storage when no room is loaded (`server/config-doc.ts`). */
export function durableSnapshotOf(doc: Y.Doc): DurableSnapshot {
  const configJson = configToJson(doc);
  return { configJson, yjsState: Y.encodeStateAsUpdate(doc), contentHash: documentContentHash(doc), texts: rootTexts(doc) };
}
