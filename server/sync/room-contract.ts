/**
 * What a room promises the code around it: the origins of its transactions, the hooks features
 * plug in (docs/architecture.md, "Features and hooks"), and what it is built from. The room itself
 * is in room.ts.
 */
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { SyncObserver } from '../metrics.ts';
import type { BusKindValue, StoredRange } from './bus-frame.ts';
import type { Connection } from './connection.ts';
import type { GroupCommitter } from './group-committer.ts';
import type { Room } from './room.ts';

/** Origin of transactions the server itself makes (repairs, REST writes, restores). */
export const SERVER_ORIGIN = Symbol('server');
/** Origin of changes another server process committed and published: already durable. */
export const REMOTE_ORIGIN = Symbol('remote');

/** A server transaction made for a person (a REST write, a restore): it travels like any server
 * change, and the change log credits `actor` with it. `source` says how it was made. */
export class ActingOrigin {
  constructor(
    readonly actor: { userId: string; name: string },
    readonly source: string,
  ) {}
}

export type UpdateOrigin = Connection | typeof SERVER_ORIGIN;

/** What a change (a client's message, or a committed group) touched, as far as the hooks need to know. */
export interface DocChange {
  /** The configuration map (not only the notes) was touched. */
  touchedConfig: boolean;
}

export interface RoomHooks {
  /** Runs synchronously after a client's change is applied and before anything is committed:
   * the place for schema shape repair, so other clients never receive an invalid shape. */
  afterClientChange?(room: Room, author: Connection, change: DocChange): void;
  /** Runs after any committed change (debounced work like rule validation hangs off this). */
  afterCommit?(room: Room, change: DocChange): void;
  /** A connection joined (after the initial sync messages were queued). */
  onJoin?(room: Room, conn: Connection): void;
  /** Runs after every transaction on the document, the stored state's load (origin 'load')
   * included; the origin is a Connection, SERVER_ORIGIN or an ActingOrigin. The change log
   * hangs off this: it must stay cheap and synchronous. */
  afterTransaction?(room: Room, transaction: Y.Transaction): void;
}

export interface RoomDeps {
  committer: GroupCommitter;
  logger: Logger;
  hooks: RoomHooks;
  /** Called when the room's tail grew; the manager decides whether to compact. */
  onCommitted?: (room: Room, updates: number, bytes: number) => void;
  /** Sends to the other server processes holding this room (absent in a single process). */
  publish?: (kind: BusKindValue, payload: Uint8Array, stored?: StoredRange) => void;
  /** The room may lack stored rows (a gap in what the bus delivered, a peer's hint, Yjs holding
   * pending structs): the manager catches it up from Postgres. */
  onBehind?: (room: Room, reason: 'gap' | 'hint' | 'pending') => void;
  observer?: SyncObserver;
  /** Operator settings (server/settings.ts); default shared/protocol.ts `Limits`. */
  limits?: RoomLimits;
}

export type RoomLimits = { maxMessageBytes: number; maxDocumentBytes: number; maxUnsavedUpdatesPerRoom: number };
