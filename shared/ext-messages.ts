/**
 * Boardroom's extension messages (type ≥ 100): a type byte, then one JSON string. Shared by the
 * server (encode) and the client (decode). Only connections opened with `?ext=<version>` receive
 * them (architecture.md, "Extension protocol").
 *
 * Live events (type 103) are typed by one map, `ExtPayloads` (event kind → payload): the server's
 * `publishExt(configId, kind, payload)` takes it, the client's `session.on(kind, handler)` gets
 * it, and `readExtEvent` checks a received frame against it before any handler sees it. On the
 * wire an event is its payload with the kind added as `type` (`{ "type": "comment", … }`).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { isBuildStatus, type BuildStatus } from './builds/status.ts';
import type { HistoryEvent } from './history-types.ts';
import { MessageType } from './protocol.ts';

/**
 * The extension protocol this code speaks. A client sends it as `?ext=<version>`.
 * 1: saved acks, validation, repairs, history/review/comment events. 2: build status and progress
 * events (additive: a version 1 client ignores them and polls its builds).
 */
export const EXT_PROTOCOL_VERSION = 2;
/** The oldest client version the server still serves. Raise it when a change is not additive
 * (an event a client must understand changes shape): older clients are closed with
 * `CloseCode.clientTooOld` and told to reload, instead of misreading what they get. */
export const MIN_EXT_PROTOCOL_VERSION = 1;

/** `?ext=` as sent: null when absent (a stock y-websocket client: no extension messages),
 * `'malformed'` when it is not a version number. */
export function parseExtVersion(param: string | null): number | null | 'malformed' {
  if (param === null) return null;
  if (!/^[0-9]{1,6}$/.test(param)) return 'malformed';
  return Number(param);
}

/** Distributes `Omit` over a union (plain `Omit` would merge its members). */
type WithoutType<T> = T extends unknown ? Omit<T, 'type'> : never;
type HistoryPayload<K extends HistoryEvent['type']> = WithoutType<Extract<HistoryEvent, { type: K }>>;

/** A build of the configuration changed status (queued, running, succeeded, failed, cancelled,
 * or back to queued after a lost attempt). Pushed by every server process to its own clients of
 * the configuration, from the builders' status channel (server/builds/build-status-feed.ts). */
export interface BuildStatusPayload {
  buildId: string;
  status: BuildStatus;
  /** Why it failed, or why it waits. */
  error: string | null;
  attempts: number;
  /** ISO 8601 time of the change. */
  at: string;
}

/** A running build reported progress (at most a few times a second, see the builder's reporter). */
export interface BuildProgressPayload {
  buildId: string;
  stage: string;
  /** 0–100. */
  pct: number;
}

/** Every live event: kind → payload. The one list the server publishes from and the client reads. */
export interface ExtPayloads {
  change: HistoryPayload<'change'>;
  version: HistoryPayload<'version'>;
  comment: HistoryPayload<'comment'>;
  review: HistoryPayload<'review'>;
  settings: HistoryPayload<'settings'>;
  'build/status': BuildStatusPayload;
  'build/progress': BuildProgressPayload;
}
export type ExtKind = keyof ExtPayloads;

/** A live event as it travels: the payload with its kind as `type`. */
export type ExtEvent = { [K in ExtKind]: { type: K } & ExtPayloads[K] }[ExtKind];
export type ExtEventOf<K extends ExtKind> = Extract<ExtEvent, { type: K }>;

/** The server's way to send a live event to a configuration's clients. */
export type ExtPublisher = <K extends ExtKind>(configId: string, kind: K, payload: ExtPayloads[K]) => void;

export function encodeExtEvent<K extends ExtKind>(kind: K, payload: ExtPayloads[K]): Uint8Array {
  return encodeExt(MessageType.event, { ...payload, type: kind });
}

type Guard = (value: Record<string, unknown>) => boolean;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): value is string => typeof value === 'string';
const oneOf =
  (...allowed: string[]) =>
  (value: unknown): boolean =>
    str(value) && allowed.includes(value);

/** What each kind must hold for its readers not to trip: the fields they branch on or index by.
 * Deeper content (a thread's text, a review's people) is the server's own JSON and rendered as is. */
const GUARDS: { [K in ExtKind]: Guard } = {
  change: (v) =>
    oneOf('started', 'closed')(v.action) ? isObject(v.entry) && str(v.entry.id) && str(v.entry.path) : v.action === 'retracted' && str(v.id),
  version: (v) => (v.action === 'created' ? isObject(v.version) && str(v.version.id) : v.action === 'restored' && str(v.versionId) && Array.isArray(v.changes)),
  comment: (v) => oneOf('created', 'updated')(v.action) && isObject(v.thread) && str(v.thread.id),
  review: (v) => oneOf('opened', 'decided')(v.action) && isObject(v.review) && str(v.review.id),
  settings: (v) => typeof v.requireApproval === 'boolean' && (v.requiredApprovals === undefined || typeof v.requiredApprovals === 'number'),
  'build/status': (v) =>
    str(v.buildId) && isBuildStatus(v.status) && (v.error === null || str(v.error)) && typeof v.attempts === 'number' && str(v.at),
  'build/progress': (v) => str(v.buildId) && str(v.stage) && typeof v.pct === 'number',
};

export type ExtEventCheck = { ok: true; event: ExtEvent } | { ok: false; reason: string };

/** Checks a received event frame's JSON against `ExtPayloads`. A kind this code does not know
 * (a newer server) or a payload of the wrong shape is refused with a reason, never thrown. */
export function readExtEvent(value: unknown): ExtEventCheck {
  if (!isObject(value) || !str(value.type)) return { ok: false, reason: 'an event without a type' };
  if (!Object.hasOwn(GUARDS, value.type)) return { ok: false, reason: `unknown event kind ${JSON.stringify(value.type)}` };
  const guard = GUARDS[value.type as ExtKind];
  if (!guard(value)) return { ok: false, reason: `malformed ${value.type} event` };
  return { ok: true, event: value as unknown as ExtEvent };
}

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

/** Returns null for messages that are not extension messages. Throws on a broken frame. */
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

/** Teaches a stock WebsocketProvider (opened with `params: { ext: String(EXT_PROTOCOL_VERSION) }`)
 * our extension types, so it hands them to `onMessage` instead of logging "Unable to compute
 * message". A frame whose JSON cannot be read is logged and dropped: one bad frame must not
 * break the provider's message loop. */
export function installExtHandlers(
  provider: { messageHandlers: ProviderMessageHandler[] },
  onMessage: (type: ExtType, payload: unknown) => void,
  warn: (message: string, detail: unknown) => void = (message, detail) => console.warn(message, detail),
): void {
  for (const type of [MessageType.saved, MessageType.validation, MessageType.repaired, MessageType.event]) {
    provider.messageHandlers[type] = (_encoder, decoder) => {
      let payload: unknown;
      try {
        payload = JSON.parse(decoding.readVarString(decoder));
      } catch (error) {
        warn(`ignored an unreadable extension message (type ${type})`, error);
        return;
      }
      onMessage(type, payload);
    };
  }
}
