/**
 * One stock y-websocket `WebsocketProvider` per open configuration, opened with
 * `?ext=<EXT_PROTOCOL_VERSION>` and taught our extension messages. It reconnects by itself (exponential backoff); the browser's
 * online/offline events make it stop and retry at once instead of waiting out a dead socket.
 * Edits made while offline stay in the Y.Doc and reach the server in the sync step 2 that
 * answers the server's step 1 on reconnect.
 */
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import { EXT_PROTOCOL_VERSION, installExtHandlers, type ExtType, type SavedAck } from '../../shared/ext-messages.ts';
import { MessageType, SyncStep } from '../../shared/protocol.ts';
import { describeClose, shouldReconnect, type ConnectionEnd } from './close-reasons.ts';
import type { NetworkEnvironment } from './network.ts';
import { createSaveTracker, type SaveTracker } from './save-tracker.ts';

export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'closed';

export interface SyncConnection {
  provider: WebsocketProvider;
  save: SaveTracker;
  /** After a final close that "Try again" may fix (too many tabs, room full): connect again. */
  retry(): void;
  destroy(): void;
}

export interface SyncConnectionOptions {
  wsUrl: string;
  configId: string;
  doc: Y.Doc;
  /** Extra query parameters: a share token and the guest name people who came by link give. */
  params?: Record<string, string>;
  /** The server stamps our presence entry with who it knows we are (name, colour, role). */
  onSelfStamp(user: Record<string, unknown>): void;
  /** `end`: why the server closed the connection — final when `state` is `closed`, a passing
   * notice otherwise (reconnecting after a restart or a rate limit); null once connected again. */
  onState(state: ConnectionState, end?: ConnectionEnd | null): void;
  onSynced(): void;
  onExt(type: ExtType, payload: unknown): void;
  /** Online state, its events and the WebSocket class (the browser's in a page). */
  network: NetworkEnvironment;
}

/** Cap of y-websocket's reconnect backoff: after a server restart, clients return within 2.5 s
 * without all retrying in the same instant. */
const MAX_RECONNECT_BACKOFF_MS = 2_500;

type Handler = WebsocketProvider['messageHandlers'][number];

/** The `user` of our own entry in an awareness message, if the message has one. */
function ownEntry(decoder: decoding.Decoder, clientId: number): Record<string, unknown> | null {
  try {
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(update);
    for (let i = 0; i < count; i++) {
      const id = decoding.readVarUint(update);
      decoding.readVarUint(update); // clock
      const state = decoding.readVarString(update);
      if (id !== clientId) continue;
      const parsed = JSON.parse(state) as { user?: unknown } | null;
      return parsed && typeof parsed.user === 'object' && parsed.user !== null ? (parsed.user as Record<string, unknown>) : null;
    }
  } catch (error) {
    console.warn('unreadable awareness message', error);
  }
  return null;
}

export function openSyncConnection(options: SyncConnectionOptions): SyncConnection {
  const { doc, network } = options;
  const provider = new WebsocketProvider(options.wsUrl, options.configId, doc, {
    WebSocketPolyfill: network.WebSocket,
    params: { ...options.params, ext: String(EXT_PROTOCOL_VERSION) },
    connect: false,
    // Tabs of one browser talk to the server each, so every tab gets its own acknowledgements.
    disableBc: true,
    maxBackoffTime: MAX_RECONNECT_BACKOFF_MS,
    // Access ended, configuration gone, a limit reached: reconnecting cannot help (close-reasons.ts).
    shouldReconnect: (event) => shouldReconnect(event.code, event.reason),
  });
  const save = createSaveTracker();

  installExtHandlers(provider as unknown as { messageHandlers: Parameters<typeof installExtHandlers>[0]['messageHandlers'] }, (type, payload) => {
    if (type === MessageType.saved && typeof (payload as SavedAck | null)?.seq === 'number') save.acked((payload as SavedAck).seq);
    options.onExt(type, payload);
  });

  // The provider answers the server's sync step 1 with a step 2: count it like the server does.
  const syncHandler: Handler = provider.messageHandlers[MessageType.sync];
  provider.messageHandlers[MessageType.sync] = (encoder, decoder, p, emitSynced, messageType) => {
    const step = decoding.peekVarUint(decoder);
    syncHandler(encoder, decoder, p, emitSynced, messageType);
    if (step === SyncStep.step1) save.sentSyncStep2();
  };

  // Our own presence entry comes back stamped by the server: that is who everyone else sees.
  const awarenessHandler: Handler = provider.messageHandlers[MessageType.awareness];
  provider.messageHandlers[MessageType.awareness] = (encoder, decoder, p, emitSynced, messageType) => {
    const stamped = ownEntry(decoding.clone(decoder), doc.clientID);
    awarenessHandler(encoder, decoder, p, emitSynced, messageType);
    if (stamped) options.onSelfStamp(stamped);
  };

  // Registered after the provider's own update handler, so the message has gone out already.
  const onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin === provider) return;
    const ws = provider.ws;
    save.localEdit(provider.wsconnected && ws !== null && ws.readyState === ws.OPEN);
  };
  doc.on('update', onUpdate);

  // The last server close that we reconnect after, so "connecting" can say why.
  let lastClose: ConnectionEnd | null = null;
  let ended = false;
  provider.on('connection-close', (event) => {
    if (event) lastClose = describeClose(event.code, event.reason);
  });
  provider.on('status', ({ status }) => {
    if (status === 'connected') {
      save.connected();
      lastClose = null;
      ended = false;
    }
    if (status === 'disconnected') save.disconnected();
    // After a final close, y-websocket still reports "disconnected": the state stays closed.
    if (ended) return;
    if (!network.online()) options.onState('offline');
    else options.onState(status === 'connected' ? 'connected' : 'connecting', lastClose);
  });
  provider.on('sync', (synced: boolean) => {
    if (synced) options.onSynced();
  });
  provider.on('closed', ({ code, reason }) => {
    ended = true;
    options.onState('closed', describeClose(code, reason));
  });

  const goOffline = (): void => {
    if (ended) return;
    provider.disconnect();
    options.onState('offline');
  };
  const goOnline = (): void => {
    if (ended) return;
    options.onState('connecting');
    provider.connect();
  };
  const stopWatchingNetwork = network.onOnlineChange((online) => (online ? goOnline() : goOffline()));
  if (network.online()) provider.connect();
  else options.onState('offline');

  return {
    provider,
    save,
    retry() {
      ended = false;
      lastClose = null;
      options.onState('connecting', null);
      provider.connect();
    },
    destroy() {
      stopWatchingNetwork();
      doc.off('update', onUpdate);
      provider.destroy();
    },
  };
}
