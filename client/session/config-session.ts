/**
 * Everything about one open configuration: its Y.Doc and connection, the field store the form
 * binds to, validation (local first, the server's authoritative result when it arrives), save
 * state, presence and the configuration's name. Created when a configuration is opened and
 * destroyed when another one is; nothing here outlives it.
 */
import { createSignal, type Accessor } from 'solid-js';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { readExtEvent, type ExtEvent, type ExtEventOf, type ExtKind, type ExtType } from '../../shared/ext-messages.ts';
import { MessageType } from '../../shared/protocol.ts';
import { configSchema, validateConfig } from '../../shared/validation/index.ts';
import type { RepairedIssue, ValidationResult } from '../../shared/validation/issue.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import type { CustomBoard } from '../../shared/boards/custom-boards.ts';
import { createCustomBoardsStore } from '../boards/custom-boards-store.ts';
import { can, isRole, type Action, type Role } from '../../shared/roles.ts';
import { ApiRequestError, type Api } from '../app/api.ts';
import type { Identity } from '../app/identity.ts';
import { createFieldStore, type FieldStore } from '../form/field-store.ts';
import { sameResult } from '../form/issues.ts';
import type { ConnectionEnd } from './close-reasons.ts';
import { openLocalCopy, type LocalCopy } from './local-copy.ts';
import type { NetworkEnvironment } from './network.ts';
import { readableColor } from './readable-color.ts';
import { participantsOf, type Participant } from './presence.ts';
import type { SaveState } from './save-tracker.ts';
import { openSyncConnection, type ConnectionState } from './sync-connection.ts';

export interface ShownValidation {
  result: ValidationResult;
  /** `server`: the server's pushed result (authoritative); `local`: computed here since. */
  source: 'local' | 'server';
}

export interface FocusRequest {
  pointer: string;
  /** Increments so that asking for the same field twice focuses it twice. */
  serial: number;
  /** The Form panel asked (workspace panel id); null: whichever form is shown. */
  target: string | null;
}

export interface ConfigSession {
  readonly configId: string;
  readonly schema: ConfigSchema;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** The provider, for the notes editor's caret extension (it reads `provider.awareness`). */
  readonly provider: { awareness: Awareness };
  readonly fields: FieldStore;
  /** Origin of this client's own form transactions. */
  readonly origin: object;
  name: Accessor<string>;
  /** Your role here (from the server: the REST answer, then live from your stamped presence). */
  role: Accessor<Role | null>;
  /**
   * May you `action` here now: your role allows it and the connection has not ended (access
   * revoked, configuration deleted). The one place the client decides what to offer; the server
   * decides again (server/access/policy.ts).
   */
  may(action: Action): boolean;
  /** Who the others see: your name and colour as the server stamped them. */
  self: Accessor<Identity>;
  rename(name: string): Promise<void>;
  /** null while loading or when found; the message when the configuration cannot be opened. */
  loadError: Accessor<string | null>;
  connection: Accessor<ConnectionState>;
  /** Why the connection is closed, in a few words (null while it is not). */
  closeReason: Accessor<string | null>;
  /** Why the server closed the connection: final when `connection()` is `closed`, otherwise a
   * passing notice while reconnecting; null when connected. */
  connectionEnd: Accessor<ConnectionEnd | null>;
  /** Connect again after a final close that may pass (too many tabs, configuration full). */
  retryConnection(): void;
  /** Every live event the server pushes (reviews, comments, versions, settings, builds), checked
   * against `ExtPayloads`; returns unsubscribe. */
  onEvent(listener: (event: LiveEvent) => void): () => void;
  /** Live events of one kind, typed by `ExtPayloads`; returns unsubscribe. */
  on<K extends ExtKind>(kind: K, handler: (event: ExtEventOf<K>) => void): () => void;
  synced: Accessor<boolean>;
  saveState: Accessor<SaveState>;
  /** Every local edit is either saved on the server or written to this browser's local copy:
   * closing the page loses nothing. */
  editsKept: Accessor<boolean>;
  validation: Accessor<ShownValidation>;
  /** The boards this configuration's own board files add (userpatches/config/boards/), by id. */
  customBoards: Accessor<ReadonlyMap<string, CustomBoard>>;
  repaired: Accessor<RepairedIssue[]>;
  dismissRepaired(): void;
  participants: Accessor<Participant[]>;
  setFocus(pointer: string | null): void;
  focusRequest: Accessor<FocusRequest | null>;
  /** Asks a Form panel (`target`, a workspace panel id; by default any) to show and focus a field. */
  requestFocus(pointer: string, target?: string | null): void;
  destroy(): void;
}

/** A live event (message type 103): `type` is its kind in `ExtPayloads` (shared/ext-messages.ts). */
export type LiveEvent = ExtEvent;

export interface SessionOptions {
  configId: string;
  wsUrl: string;
  /** Your name and colour until the server's stamp arrives. */
  identity: Identity;
  /** Share-aware when you came by a link. */
  api: Api;
  /** Came by a share link: its token, and the name you give as a guest. */
  share?: { token: string; guestName: string };
  /** IndexedDB database for this browser's copy of the document (local-copy.ts); none for guests. */
  localCopyName?: string;
  /** Online state and sockets (network.ts): the browser's in a page. */
  network: NetworkEnvironment;
}

export function createConfigSession(options: SessionOptions): ConfigSession {
  const { configId, api } = options;
  const doc = new Y.Doc();
  const fields = createFieldStore(doc);
  const origin = { kind: 'boardroom-form' };

  const [name, setName] = createSignal('');
  const [role, setRole] = createSignal<Role | null>(null);
  const [self, setSelf] = createSignal<Identity>(options.identity);
  const [loadError, setLoadError] = createSignal<string | null>(null);
  const [connection, setConnection] = createSignal<ConnectionState>('connecting');
  const [connectionEnd, setConnectionEnd] = createSignal<ConnectionEnd | null>(null);
  const eventListeners = new Set<(event: LiveEvent) => void>();
  const [synced, setSynced] = createSignal(false);
  const [repaired, setRepaired] = createSignal<RepairedIssue[]>([]);
  const [focusRequest, setFocusRequest] = createSignal<FocusRequest | null>(null);

  const customBoards = createCustomBoardsStore(doc);
  const local = (): ValidationResult => validateConfig(fields.snapshot(), { customBoards: customBoards.boards() });
  const [validation, setValidation] = createSignal<ShownValidation>({ result: local(), source: 'local' });
  let lastServer: ValidationResult | null = null;

  const onExt = (type: ExtType, payload: unknown): void => {
    if (type === MessageType.validation) {
      const result = payload as ValidationResult | null;
      if (typeof result?.valid !== 'boolean' || !Array.isArray(result.errors) || !Array.isArray(result.warnings)) {
        console.warn('ignored a malformed validation message');
        return;
      }
      lastServer = payload as ValidationResult;
      // While our own edits are unacknowledged the result may predate them: keep the local one.
      if (sync.save.state === 'saved') setValidation({ result: lastServer, source: 'server' });
    } else if (type === MessageType.repaired) {
      const issues = (payload as { issues?: unknown } | null)?.issues;
      setRepaired(Array.isArray(issues) ? (issues as RepairedIssue[]) : []);
    } else if (type === MessageType.event) {
      // A frame of the wrong shape (or a kind from a newer server) is dropped here, so no
      // handler ever reads a field that is not there.
      const read = readExtEvent(payload);
      if (!read.ok) {
        console.warn(`ignored a live event: ${read.reason}`);
        return;
      }
      for (const listener of [...eventListeners]) listener(read.event);
    }
  };

  const sync = openSyncConnection({
    wsUrl: options.wsUrl,
    configId,
    doc,
    params: options.share ? { share: options.share.token, name: options.share.guestName } : undefined,
    onSelfStamp(user) {
      if (typeof user.name === 'string' && typeof user.color === 'string') {
        const current = self();
        if (current.name !== user.name || current.color !== user.color) {
          setSelf({ name: user.name, color: user.color });
          setParticipants(withSelf(participantsOf(awareness)));
        }
      }
      if (isRole(user.role)) setRole(user.role);
    },
    onState(state, end) {
      setConnection(state);
      if (end !== undefined) setConnectionEnd(end);
      if (state === 'connected') setConnectionEnd(null);
      // Without a connection nothing the server said is current any more.
      if (state !== 'connected' && validation().source === 'server') setValidation({ result: validation().result, source: 'local' });
    },
    onSynced: () => setSynced(true),
    onExt,
    network: options.network,
  });
  const [saveState, setSaveState] = createSignal<SaveState>(sync.save.state);
  sync.save.onChange(setSaveState);
  // Opened after the connection so that the stored copy's edits count as local edits to save.
  const localCopy: LocalCopy | null = options.localCopyName ? openLocalCopy(doc, options.localCopyName) : null;
  const [storedLocally, setStoredLocally] = createSignal(localCopy?.stored() ?? false);
  localCopy?.onStoredChange(setStoredLocally);

  const revalidate = (): void => {
    const result = local();
    // The server pushes only when its result changes: the same issues mean it agrees.
    if (lastServer && connection() === 'connected' && sameResult(result, lastServer)) {
      setValidation({ result: lastServer, source: 'server' });
    } else {
      setValidation({ result, source: 'local' });
    }
  };
  fields.onChange(revalidate);
  // A board file added, changed or removed changes which BOARD values are valid.
  customBoards.onChange(revalidate);

  const awareness = sync.provider.awareness;
  awareness.setLocalStateField('user', { name: options.identity.name, color: options.identity.color });
  awareness.setLocalStateField('focus', null);
  // Others see us as the server stamped us; show ourselves the same way.
  const withSelf = (list: Participant[]): Participant[] =>
    list.map((p) => (p.isLocal ? { ...p, name: self().name, color: readableColor(self().color) } : p));
  const [participants, setParticipants] = createSignal<Participant[]>(withSelf(participantsOf(awareness)));
  const onAwareness = (): void => {
    setParticipants(withSelf(participantsOf(awareness)));
  };
  awareness.on('change', onAwareness);

  let destroyed = false;
  api.getConfig(configId).then(
    (record) => {
      if (destroyed) return;
      setName(record.name);
      if (role() === null && isRole(record.role)) setRole(record.role);
    },
    (error: unknown) => {
      if (destroyed) return;
      setLoadError(
        error instanceof ApiRequestError && error.status === 404
          ? 'This configuration does not exist, or you have no access to it.'
          : error instanceof Error
            ? error.message
            : String(error),
      );
    },
  );

  let serial = 0;
  // A closed connection (access revoked, configuration deleted) takes no more edits, comments,
  // reviews or decisions.
  const may = (action: Action) => can(role(), action) && connection() !== 'closed';
  return {
    configId,
    schema: configSchema,
    doc,
    awareness,
    provider: sync.provider,
    fields,
    origin,
    name,
    role,
    may,
    self,
    async rename(next) {
      const record = await api.renameConfig(configId, next);
      setName(record.name);
    },
    loadError,
    connection,
    closeReason: () => (connection() === 'closed' ? (connectionEnd()?.title ?? 'Disconnected') : null),
    connectionEnd,
    retryConnection: () => sync.retry(),
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    on(kind, handler) {
      const listener = (event: LiveEvent): void => {
        if (event.type === kind) handler(event as ExtEventOf<typeof kind>);
      };
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    synced,
    saveState,
    editsKept: () => saveState() === 'saved' || storedLocally(),
    validation,
    customBoards: customBoards.boards,
    repaired,
    dismissRepaired: () => setRepaired([]),
    participants,
    setFocus(pointer) {
      const current = (awareness.getLocalState()?.focus as { path?: string } | null | undefined)?.path ?? null;
      if (current !== pointer) awareness.setLocalStateField('focus', pointer === null ? null : { path: pointer });
    },
    focusRequest,
    requestFocus(pointer, target = null) {
      setFocusRequest({ pointer, serial: ++serial, target });
    },
    destroy() {
      destroyed = true;
      eventListeners.clear();
      awareness.off('change', onAwareness);
      customBoards.destroy();
      fields.destroy();
      sync.destroy();
      void localCopy?.destroy();
      doc.destroy();
    },
  };
}
