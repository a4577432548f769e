/**
 * The encoded sync messages that depend only on the room's document (and the asker's state
 * vector), kept until the document changes. A reconnect storm brings every client of a room at
 * once, each greeted with the same sync step 1 and, asking with the same state vector (a new
 * client's is empty), answered with the same sync step 2: encoding the whole state once per room
 * instead of once per connection. The room drops them on every change of its document.
 */

/** How long an encoded sync step 2 (the whole state, for an empty vector) is kept for the next
 * client: a storm's clients of one room arrive within seconds; past that it is memory an idle
 * room would hold for nobody (a configuration's state is tens of kilobytes). */
export const ENCODED_REPLY_KEEP_MS = 2_000;

/** Equal state vectors (a few bytes per writer of the document). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class EncodedState {
  private greeting: Uint8Array | null = null;
  /** The last sync step 2 asked for, with the state vector it answers. */
  private reply: { vector: Uint8Array; message: Uint8Array } | null = null;

  /** The document changed: nothing encoded before describes it any more. */
  invalidate(): void {
    this.greeting = null;
    this.reply = null;
  }

  step1(encode: () => Uint8Array): Uint8Array {
    return (this.greeting ??= encode());
  }

  step2(vector: Uint8Array, encode: () => Uint8Array): Uint8Array {
    if (this.reply && sameBytes(this.reply.vector, vector)) return this.reply.message;
    const message = encode();
    // A copy: the vector is a view into the client's frame.
    const reply = { vector: vector.slice(), message };
    this.reply = reply;
    setTimeout(() => {
      if (this.reply === reply) this.reply = null;
    }, ENCODED_REPLY_KEEP_MS).unref();
    return message;
  }
}
