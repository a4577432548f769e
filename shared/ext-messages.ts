/**
 * Boardroom's extension messages (type ≥ 100): a type byte, then one JSON string. Shared by the
 * server (encode) and the client (decode). Only connections opened with `?ext=1` receive them.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { MessageType } from './protocol.ts';

export type ExtType = (typeof MessageType)['saved' | 'validation' | 'repaired' | 'event'];

export interface SavedAck {
  /** How many of this connection's document messages are now durable. */
  seq: number;
  /** Per Yjs client id, the clock up to which that client's changes are durable. */
  clocks: Record<string, number>;
}

export function encodeExt(type: ExtType, payload: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarString(encoder, JSON.stringify(payload));
  return encoding.toUint8Array(encoder);
}

/** Returns null for messages that are not extension messages. */
export function decodeExt(data: Uint8Array): { type: number; payload: unknown } | null {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  if (type < MessageType.saved) return null;
  return { type, payload: JSON.parse(decoding.readVarString(decoder)) };
}

/** What `WebsocketProvider.messageHandlers` entries receive (y-websocket 3.x). */
type ProviderMessageHandler = (
  encoder: encoding.Encoder,
  decoder: decoding.Decoder,
  provider: unknown,
  emitSynced: boolean,
  messageType: number,
) => void;

/** Teaches a stock WebsocketProvider (opened with `params: { ext: '1' }`) our extension types, so
 * it hands them to `onMessage` instead of logging "Unable to compute message". */
export function installExtHandlers(
  provider: { messageHandlers: ProviderMessageHandler[] },
  onMessage: (type: ExtType, payload: unknown) => void,
): void {
  for (const type of [MessageType.saved, MessageType.validation, MessageType.repaired, MessageType.event]) {
    provider.messageHandlers[type] = (_encoder, decoder) => {
      onMessage(type, JSON.parse(decoding.readVarString(decoder)));
    };
  }
}
