/**
 * The browser's own copy of an open configuration's document, kept in IndexedDB by the stock
 * `y-indexeddb` provider, so that edits survive a reload, an outage or a crashed tab: on the next
 * open the copy is merged into the fresh Y.Doc and the sync provider's step 2 carries whatever the
 * server lacks (architecture.md, "Durability").
 *
 * A shared computer must not show one person's copies to the next: each database name holds the
 * signed-in user's id, every name this browser created is listed in localStorage, and signing out
 * deletes them all (`clearLocalCopies`).
 */
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb';
import type * as Y from 'yjs';

/** localStorage key of the list of IndexedDB database names this browser created. */
export const LOCAL_COPIES_KEY = 'boardroom.localCopies';
const DB_PREFIX = 'boardroom-doc';

export function localCopyName(userId: string, configId: string): string {
  return `${DB_PREFIX}:${userId}:${configId}`;
}

export interface LocalCopy {
  /** The stored copy has been read and merged into the document. */
  readonly loaded: Promise<void>;
  /** Every change of the document so far is written to IndexedDB (false while a write is pending). */
  stored(): boolean;
  onStoredChange(listener: (stored: boolean) => void): () => void;
  destroy(): Promise<void>;
}

function listedNames(storage: Storage): string[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(LOCAL_COPIES_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((n): n is string => typeof n === 'string') : [];
  } catch (error) {
    console.warn('unreadable list of local copies; starting a new one', error);
    return [];
  }
}

function remember(storage: Storage, name: string): void {
  const names = listedNames(storage);
  if (!names.includes(name)) storage.setItem(LOCAL_COPIES_KEY, JSON.stringify([...names, name]));
}

export function openLocalCopy(doc: Y.Doc, name: string, storage: Storage = localStorage): LocalCopy {
  // Listed before it exists: a crash between creating and listing would leave a copy nobody deletes.
  remember(storage, name);
  const persistence = new IndexeddbPersistence(name, doc);
  let pending = 0;
  let stored = true;
  const listeners = new Set<(stored: boolean) => void>();
  const setStored = (next: boolean): void => {
    if (next === stored) return;
    stored = next;
    for (const listener of [...listeners]) listener(stored);
  };

  // y-indexeddb writes each update in its own readwrite transaction on `updates` and reports no
  // completion. A transaction on the same store opened afterwards runs only once the earlier ones
  // committed (IndexedDB orders overlapping transactions), so its completion says "written".
  const confirmWritten = (): void => {
    pending += 1;
    setStored(false);
    const settle = (): void => {
      pending -= 1;
      if (pending === 0) setStored(true);
    };
    persistence.whenSynced.then(
      () => {
        const db = persistence.db;
        if (!db || persistence._destroyed) return;
        const tx = db.transaction(['updates'], 'readonly');
        tx.oncomplete = settle;
        // A failed write stays "not stored": leaving the page keeps asking, which is the safe side.
        tx.onerror = () => console.warn('local copy: write not confirmed', tx.error);
        tx.onabort = () => console.warn('local copy: write not confirmed', tx.error);
      },
      (error: unknown) => console.warn('local copy unavailable', error),
    );
  };
  const onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin !== persistence) confirmWritten();
  };
  doc.on('update', onUpdate);

  return {
    loaded: persistence.whenSynced.then(() => undefined),
    stored: () => stored,
    onStoredChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async destroy() {
      doc.off('update', onUpdate);
      listeners.clear();
      await persistence.destroy();
    },
  };
}

/** Deletes every local copy this browser made (signing out, on a possibly shared computer). */
export async function clearLocalCopies(storage: Storage = localStorage): Promise<void> {
  const names = listedNames(storage);
  // Deletion waits for open connections to close: the workbench closes its copy as it unmounts.
  const results = await Promise.allSettled(names.map((name) => clearDocument(name)));
  const failed = names.filter((_, i) => results[i]!.status === 'rejected');
  for (const [i, result] of results.entries()) {
    if (result.status === 'rejected') console.warn(`local copy ${names[i]} not deleted`, result.reason);
  }
  if (failed.length > 0) storage.setItem(LOCAL_COPIES_KEY, JSON.stringify(failed));
  else storage.removeItem(LOCAL_COPIES_KEY);
}
