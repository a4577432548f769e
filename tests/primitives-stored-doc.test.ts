/**
 * The one way to rebuild a document from storage (`server/storage/stored-doc.ts`): the snapshot,
 * then the log after it. Rooms, durable reads of an unloaded configuration and compaction use it;
 * the storage contract (tests/storage-contract.test.ts) runs it against real storage.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStored, docFromStored, mergeStored, readStored } from '../server/storage/stored-doc.ts';

/** A snapshot of the first `split` edits and the rest as single updates, like storage keeps them. */
function stored(edits: number, split: number): { snapshot: Uint8Array | null; updates: Uint8Array[]; all: Y.Doc } {
  const doc = new Y.Doc();
  let snapshot: Uint8Array | null = null;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < edits; i++) {
    const text = doc.getText('t');
    // Later edits land inside earlier text, so they need what came before them.
    text.insert(Math.floor(text.length / 2), String(i % 10));
    if (i + 1 === split) {
      snapshot = Y.encodeStateAsUpdate(doc);
      updates.length = 0;
    }
  }
  return { snapshot, updates, all: doc };
}

describe('stored documents', () => {
  it('rebuild exactly the document, with or without a snapshot', () => {
    for (const split of [0, 1, 7, 20]) {
      const s = stored(20, split);
      const doc = docFromStored(s);
      expect(doc.getText('t').toString(), `split ${split}`).toBe(s.all.getText('t').toString());
      expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(s.all));
      doc.destroy();
    }
  });

  it('merge into one state that rebuilds the same document (what compaction writes)', () => {
    const s = stored(30, 12);
    const merged = mergeStored(s);
    expect(readStored({ snapshot: merged, updates: [] }, (doc) => doc.getText('t').toString())).toBe(s.all.getText('t').toString());
  });

  it('apply in the caller transaction, once', () => {
    const s = stored(10, 4);
    const doc = new Y.Doc();
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    doc.transact(() => applyStored(doc, s), 'load');
    expect(transactions).toBe(1);
    expect(doc.getText('t').toString()).toBe(s.all.getText('t').toString());
  });

  it('lend the rebuilt document to a reader and destroy it afterwards', () => {
    let lent: Y.Doc | null = null;
    const length = readStored(stored(5, 0), (doc) => ((lent = doc), doc.getText('t').length));
    expect(length).toBe(5);
    expect(lent!.isDestroyed).toBe(true);
  });
});
