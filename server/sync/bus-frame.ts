/**
 * The frame every room-bus message travels in: kind byte, 16-byte process id, the publish time
 * (so receivers can measure cross-process delivery), and for document updates the stored rows
 * the update covers plus the highest row the publisher held before them. A receiver that holds
 * less than that has missed something and catches up from Postgres at once.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export const BusKind = {
  update: 1,
  awareness: 2,
  ext: 3,
  /** "I could not publish for a while: read what I stored from Postgres" (no payload). */
  catchUpHint: 4,
} as const;
export type BusKindValue = (typeof BusKind)[keyof typeof BusKind];

export const PROCESS_ID_BYTES = 16;

/** Which stored rows a document update is made of. */
export interface StoredRange {
  /** Highest row id the publisher held before these rows (0: unknown). */
  prev: number;
  /** Log row ids of the update, ascending. */
  ids: number[];
}

export interface BusMessage {
  kind: BusKindValue;
  payload: Uint8Array;
  /** Epoch ms when the publisher sent it. */
  sentAt: number;
  /** Present on document updates. */
  stored?: StoredRange;
}

export function encodeFrame(self: Uint8Array, message: BusMessage): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeUint8(encoder, message.kind);
  encoding.writeUint8Array(encoder, self);
  encoding.writeFloat64(encoder, message.sentAt);
  if (message.kind === BusKind.update) {
    const stored = message.stored ?? { prev: 0, ids: [] };
    encoding.writeVarUint(encoder, stored.prev);
    encoding.writeVarUint(encoder, stored.ids.length);
    for (const id of stored.ids) encoding.writeVarUint(encoder, id);
  }
  encoding.writeVarUint8Array(encoder, message.payload);
  return Buffer.from(encoding.toUint8Array(encoder));
}

/** The sender's process id and the message; throws on a malformed frame. */
export function decodeFrame(frame: Uint8Array): { from: Uint8Array; message: BusMessage } {
  const decoder = decoding.createDecoder(frame);
  const kind = decoding.readUint8(decoder) as BusKindValue;
  const from = decoding.readUint8Array(decoder, PROCESS_ID_BYTES);
  const sentAt = decoding.readFloat64(decoder);
  let stored: StoredRange | undefined;
  if (kind === BusKind.update) {
    const prev = decoding.readVarUint(decoder);
    const n = decoding.readVarUint(decoder);
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(decoding.readVarUint(decoder));
    stored = { prev, ids };
  }
  const payload = decoding.readVarUint8Array(decoder);
  return { from, message: { kind, payload, sentAt, stored } };
}
