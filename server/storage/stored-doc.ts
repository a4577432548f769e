/**
 * Rebuilding a document from what storage holds (`StoredDoc`: the compacted snapshot, then the
 * update log after it, in that order): the one way, used by room loading, durable reads of an
 * unloaded configuration, compaction and the tests that look at what was stored.
 */
import * as Y from 'yjs';
import type { StoredDoc } from './types.ts';

type Stored = Pick<StoredDoc, 'snapshot' | 'updates'>;

/** Applies the stored snapshot, then every logged update, to `doc`. Runs in the caller's
 * transaction when there is one (the room loads with origin `load`). */
export function applyStored(doc: Y.Doc, stored: Stored): void {
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
}

/** A new document holding the stored state. The caller destroys it. */
export function docFromStored(stored: Stored): Y.Doc {
  const doc = new Y.Doc();
  applyStored(doc, stored);
  return doc;
}

/** Reads the stored document with `read`, which must not keep it: it is destroyed afterwards. */
export function readStored<T>(stored: Stored, read: (doc: Y.Doc) => T): T {
  const doc = docFromStored(stored);
  try {
    return read(doc);
  } finally {
    doc.destroy();
  }
}

/** The stored snapshot and log merged into one Yjs state: what compaction writes as the new
 * snapshot. */
export function mergeStored(stored: Stored): Uint8Array {
  return readStored(stored, (doc) => Y.encodeStateAsUpdate(doc));
}
