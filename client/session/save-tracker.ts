/**
 * "Saving… / Saved", driven by the server's acknowledgements.
 *
 * The server counts the document messages of each connection (sync step 2 and updates) and acks
 * with `seq`: every message up to that one is committed to Postgres. The tracker counts the same
 * messages on its side and remembers the number of the last one that carried a local edit; the
 * edits are saved once an ack reaches it. Counting messages rather than comparing clocks also
 * covers edits that only delete (a deletion advances no clock).
 *
 * Edits made while disconnected travel in the sync step 2 the client sends when it reconnects (the
 * server's step 1 asks for everything it lacks), so they are pending until that message is acked.
 */

export type SaveState = 'saved' | 'saving' | 'unsaved';

export interface SaveTracker {
  readonly state: SaveState;
  /** The connection opened: the server counts from zero again. */
  connected(): void;
  disconnected(): void;
  /** A local edit happened; `sent` tells whether it went out on the open connection. */
  localEdit(sent: boolean): void;
  /** The client answered the server's sync step 1 (this carries every edit not yet sent). */
  sentSyncStep2(): void;
  /** The server acknowledged the connection's messages up to `seq`. */
  acked(seq: number): void;
  onChange(listener: (state: SaveState) => void): () => void;
}

export function createSaveTracker(): SaveTracker {
  let sentOnConnection = 0;
  let ackedOnConnection = 0;
  /** Number of the last message carrying a local edit not yet acked on this connection. */
  let pendingSeq: number | null = null;
  /** Local edits not yet sent on any live connection (made offline, or sent on a dropped one). */
  let unsent = false;
  let state: SaveState = 'saved';
  const listeners = new Set<(state: SaveState) => void>();

  const update = (): void => {
    const next: SaveState = unsent ? 'unsaved' : pendingSeq !== null ? 'saving' : 'saved';
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener(state);
  };

  return {
    get state() {
      return state;
    },
    connected() {
      sentOnConnection = 0;
      ackedOnConnection = 0;
    },
    disconnected() {
      // Whatever was not acked may not have arrived: it goes again in the next sync step 2.
      if (pendingSeq !== null) unsent = true;
      pendingSeq = null;
      update();
    },
    localEdit(sent) {
      if (sent) {
        sentOnConnection += 1;
        pendingSeq = sentOnConnection;
      } else {
        unsent = true;
      }
      update();
    },
    sentSyncStep2() {
      sentOnConnection += 1;
      if (unsent) {
        unsent = false;
        pendingSeq = sentOnConnection;
      }
      update();
    },
    acked(seq) {
      ackedOnConnection = Math.max(ackedOnConnection, seq);
      if (pendingSeq !== null && ackedOnConnection >= pendingSeq) pendingSeq = null;
      update();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
