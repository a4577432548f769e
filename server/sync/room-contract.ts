/**
 * What a room promises the code around it: the origins of its transactions, the hooks features
 * plug in (docs/architecture.md, "Features"), and what it is built from. The room itself
 * is in room.ts.
 */
import type { TreeEntry } from '../../shared/files/file-tree.ts';
import type { RootDeclaration } from '../../shared/doc-layout.ts';
import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { ExtPublisher } from '../../shared/ext-messages.ts';
import type { SyncObserver } from '../metrics.ts';
import type { BusKindValue, StoredRange } from './bus-frame.ts';
import type { Connection } from './connection.ts';
import type { GroupCommitter } from './group-committer.ts';
import type { Room } from './room.ts';

/** Someone a server-side change is made for (a REST write, a restore): the change log credits
 * them. `userId` is the account id, or `share:<link id>` / `guest` for guests. */
export interface Actor {
  userId: string;
  name: string;
}

/** How an actor's change was made, as the history shows it. */
export type ActorSource = 'rest' | 'restore' | 'import';

/**
 * Who or what made a transaction on a room's document: every origin the room, its hooks and the
 * change log see is one of these (docs/architecture.md, "Durability").
 *
 * - `load`: the stored state, applied when the room loads (durable, and history already).
 * - `remote`: committed by another server process (published on the bus) or read back from
 *   Postgres by a catch-up: durable already, never stored again.
 * - `server`: the server on its own (shape repairs, the layout migration).
 * - `client`: a client's sync message (`Connection.origin`, one object per connection).
 * - `actor`: a server change made for a person through `Room.applyAs`.
 */
export type DocOrigin =
  | { readonly kind: 'load' }
  | { readonly kind: 'remote' }
  | { readonly kind: 'server' }
  | { readonly kind: 'client'; readonly connection: Connection }
  | { readonly kind: 'actor'; readonly actor: Actor; readonly source: ActorSource };

export type ActorOrigin = Extract<DocOrigin, { kind: 'actor' }>;
export type ClientOrigin = Extract<DocOrigin, { kind: 'client' }>;

export const LOAD_ORIGIN: DocOrigin = Object.freeze({ kind: 'load' });
export const REMOTE_ORIGIN: DocOrigin = Object.freeze({ kind: 'remote' });
export const SERVER_ORIGIN: DocOrigin = Object.freeze({ kind: 'server' });

export function actorOrigin(actor: Actor, source: ActorSource): ActorOrigin {
  return { kind: 'actor', actor, source };
}

const KINDS = new Set(['load', 'remote', 'server', 'client', 'actor']);

/** The typed origin of a Yjs transaction (`transaction.origin` is `any` to Yjs). Anything that is
 * not one of ours (no code path makes such a transaction) counts as the server's. */
export function originOf(origin: unknown): DocOrigin {
  if (origin && typeof origin === 'object' && KINDS.has((origin as { kind?: unknown }).kind as string)) return origin as DocOrigin;
  return SERVER_ORIGIN;
}

/** What a change (a client's message, or a committed group) touched, as far as the hooks need to know. */
export interface DocChange {
  /** The configuration map (not only the notes) was touched. */
  touchedConfig: boolean;
  /** The userpatches tree was touched (a board file there changes which boards are valid). */
  touchedFiles: boolean;
}

/**
 * What a feature may hook into a room (docs/architecture.md, "Features"). Each hook has a policy:
 *
 * - Observer hooks see what happened and cannot refuse it. A feature's failure there (a throw or
 *   a rejected promise) is logged with the feature's name and the room goes on: the client's
 *   change is still committed and fanned out, the client stays connected.
 * - Veto hooks may refuse a client's change before it is applied, and say on purpose whether
 *   retrying can help (`refuse.retryable`, close 4522) or not (`refuse.final`, close 4422).
 *
 * Features declare these; the server hands every room one runner over all of them
 * (server/features/hook-runner.ts, `RoomHookCalls`), so the room never sees a feature's error.
 */
export interface RoomHooks {
  /** Observer. Runs synchronously after a client's change is applied and before anything is
   * committed: the place for schema shape repair, so other clients never receive an invalid shape. */
  afterClientChange?(room: Room, author: Connection, change: DocChange): void;
  /** Observer. Runs after any committed change (debounced work like rule validation hangs off this). */
  afterCommit?(room: Room, change: DocChange): void | Promise<void>;
  /** Observer. A connection joined (after the initial sync messages were queued). */
  onJoin?(room: Room, conn: Connection): void | Promise<void>;
  /** Observer. Runs after every transaction on the document, the stored state's load (origin
   * 'load') included; `originOf(transaction.origin)` says who made it. The change log hangs off
   * this: it must stay cheap and synchronous. */
  afterTransaction?(room: Room, transaction: Y.Transaction): void;
  /** Veto. A client's update passed the update check and the limits and is about to be applied.
   * Return a `Refusal` to refuse it (the connection is closed with the declared code), or
   * nothing to let it through. */
  beforeClientUpdate?(room: Room, author: Connection, update: ClientUpdate): Refusal | null | undefined | void;
}

/** A client's update as a veto hook sees it. */
export interface ClientUpdate {
  /** The update as received (V1 encoding). */
  bytes: Uint8Array;
}

/** A veto hook's refusal: retryable (45xx, the provider reconnects and resends) or final (44xx,
 * the stock provider stops), and why, in words a person may read in the close reason. */
export interface Refusal {
  readonly retryable: boolean;
  readonly reason: string;
}

export const refuse = {
  /** Retrying will not help (the change is not acceptable as it is): close 4422. */
  final: (reason: string): Refusal => ({ retryable: false, reason }),
  /** The change may be accepted later: close 4522, the client resends after reconnecting. */
  retryable: (reason: string): Refusal => ({ retryable: true, reason }),
};

/** The hooks as the room calls them: one runner over every feature's hooks. None of these throws;
 * `beforeClientUpdate` answers with the close to use, or null. */
export interface RoomHookCalls {
  afterClientChange(room: Room, author: Connection, change: DocChange): void;
  afterCommit(room: Room, change: DocChange): void;
  onJoin(room: Room, conn: Connection): void;
  afterTransaction(room: Room, transaction: Y.Transaction): void;
  beforeClientUpdate(room: Room, author: Connection, update: ClientUpdate): { code: number; reason: string } | null;
}

/** Calls that do nothing: a room or manager built without features (unit tests, benchmarks). */
export const NO_ROOM_HOOKS: RoomHookCalls = {
  afterClientChange() {},
  afterCommit() {},
  onJoin() {},
  afterTransaction() {},
  beforeClientUpdate: () => null,
};

export interface RoomDeps {
  committer: GroupCommitter;
  logger: Logger;
  hooks: RoomHookCalls;
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
  /** The roots of the room's document (shared/doc-layout.ts `DocumentDeclaration`); default the
   * main document's, `DOC_LAYOUT`. */
  layout?: readonly RootDeclaration[];
}

export type RoomLimits = { maxMessageBytes: number; maxDocumentBytes: number; maxUnsavedUpdatesPerRoom: number };

/** A configuration as it is durable: JSON, the whole Yjs state (notes included) and the content
 * hash, all of one committed point. */
export interface DurableSnapshot {
  configJson: Record<string, unknown>;
  yjsState: Uint8Array;
  /** sha256 of the canonical JSON (shared/node/content-hash.ts). */
  contentHash: string;
  /** Every root besides the configuration as plain text, by its path (`{ "#notes": "…" }`;
   * shared/notes-text.ts `rootTexts`). */
  texts: Record<string, string>;
}

/** What builds, versions and reviews freeze: a durable snapshot and the schema it was made under. */
export interface FrozenState extends DurableSnapshot {
  schemaVersion: string;
}

/** A change made through `Room.applyAs`. */
export type RoomEdit =
  /** The configuration becomes `data`, edited with the fewest changes (`writeConfig`): texts and
   * lists by a diff, so concurrent edits elsewhere survive. A function is called with the
   * configuration as it is at that instant (a one-field restore builds on it); it may throw to
   * refuse, before anything changes. */
  | { kind: 'config'; data: Record<string, unknown> | ((current: Record<string, unknown>) => Record<string, unknown>) }
  /** The root the layout addresses as `path` (`#notes`) becomes a copy of that root in the Yjs
   * state `from` (a version's). */
  | { kind: 'root'; path: string; from: Uint8Array }
  /** The userpatches tree (`shared/files/file-tree.ts`): with `tree`, the whole tree (or with
   * `under`, the file or folder at that path) becomes exactly that (a restore); each of `remove`
   * (a file or a folder) is deleted and each of `put` written (texts by diff). Paths are the
   * caller's to validate (`filePathProblem`, `treeProblem`). */
  | { kind: 'files'; tree?: readonly TreeEntry[]; under?: string; put?: readonly TreeEntry[]; remove?: readonly string[] };

/** What an applied edit changed, read from the room's document just before and just after it.
 * The promise resolves once the edit is durable, so `after` is too. */
export interface AppliedEdit {
  config: { before: Record<string, unknown>; after: Record<string, unknown> };
  /** Every root besides the configuration as plain text, by path (`rootTexts`). */
  texts: { before: Record<string, string>; after: Record<string, string> };
  files: { before: TreeEntry[]; after: TreeEntry[] };
}

/** Why `applyAs` refused: the same limits as a client's update (server/settings.ts). */
export class RoomWriteRefused extends Error {
  constructor(
    readonly code: 'document_too_large' | 'unsaved_backlog',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The room as routes see it (docs/architecture.md, "Durability"): the only way into and out of a
 * configuration's document besides the sync protocol. The `Y.Doc` is not part of it.
 */
export interface DocumentRoom {
  readonly configId: string;
  /** The committed state now, without waiting: a change that is not durable yet is never in it. */
  readDurable(): DurableSnapshot;
  /** Waits until everything the room had applied when called is durable, then reads the durable
   * state: what builds, versions and reviews freeze. */
  freeze(): Promise<FrozenState>;
  /** Applies `edits` as one transaction made for `origin`'s person, under the limits of a
   * client's update, and resolves once it is durable. Rejects with RoomWriteRefused. */
  applyAs(origin: ActorOrigin, edits: readonly RoomEdit[]): Promise<AppliedEdit>;
}

/** The rooms as routes see them (server/features/late-rooms.ts): each configuration's main
 * document, which is what REST reads, freezes, versions, builds and history mean. */
export interface DocumentRooms {
  /** The main document's room, loading it if needed. */
  get(configId: string): Promise<DocumentRoom>;
  /** The main document's loaded room, or null. Never loads. */
  peek(configId: string): DocumentRoom | null;
  /** Sends a live event to the configuration's extension clients on every process. */
  publishExt: ExtPublisher;
}
