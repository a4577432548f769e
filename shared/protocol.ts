/**
 * The whole wire protocol in one place: message types, close codes and limits.
 *
 * Message types 0–3 are the y-websocket protocol (the stock `WebsocketProvider` speaks them).
 * Types ≥ 100 are Boardroom extensions, sent only to connections opened with `?ext=<version>`
 * (`EXT_PROTOCOL_VERSION` in ext-messages.ts): the stock provider would log an error for an
 * unknown type.
 */

export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /** server → client: every update this connection sent up to `seq` is committed to Postgres. */
  saved: 100,
  /** server → client: JSON, the document's authoritative validation result. */
  validation: 101,
  /** server → client: JSON, a compensating transaction reverted this client's change. */
  repaired: 102,
  /** server → client: JSON, a live event (`ExtPayloads` in ext-messages.ts: history, review,
   * comment, build status). */
  event: 103,
} as const;
export type MessageTypeName = keyof typeof MessageType;

/** y-protocols sync sub-messages. */
export const SyncStep = { step1: 0, step2: 1, update: 2 } as const;

/** y-protocols auth sub-message: permission denied, followed by a reason string. */
export const AuthMessage = { permissionDenied: 0 } as const;

/**
 * WebSocket close codes. 4000–4999 is the range RFC 6455 leaves to applications.
 * 44xx means "retrying will not help" — the stock y-websocket provider stops reconnecting on
 * 4400–4499 — so only refusals that stay true (bad credentials, revoked access, a broken or
 * oversized document) use it. 45xx means "retry later", with the provider's backoff: server
 * trouble and load shedding (rate and connection limits). 1001 asks the client to reconnect,
 * landing on another process.
 */
export const CloseCode = {
  normal: { code: 1000, reason: 'closing' },
  goingAway: { code: 1001, reason: 'server shutting down, reconnect' },
  malformed: { code: 4400, reason: 'malformed message' },
  unauthorized: { code: 4401, reason: 'authentication required' },
  forbidden: { code: 4403, reason: 'access denied' },
  notFound: { code: 4404, reason: 'unknown configuration' },
  /** `/sync/:configId/:docName` names no document the configuration may hold (shared/doc-layout.ts
   * `CONFIG_DOCUMENTS`): final, like an unknown configuration, and told apart by its reason. */
  unknownDocument: { code: 4404, reason: 'unknown document' },
  /** A page on an origin that is not allowed tried to use the session cookie (cross-site). */
  crossOrigin: { code: 4405, reason: 'cross-origin request refused' },
  /** 1009 is RFC 6455's own "message too big"; `ws` uses it too when a frame passes maxPayload. */
  messageTooLarge: { code: 1009, reason: 'message too large' },
  documentTooLarge: { code: 4414, reason: 'document size limit reached' },
  roomFull: { code: 4509, reason: 'too many connections to this configuration, retrying later' },
  rateLimited: { code: 4508, reason: 'too many messages, slow down' },
  tooManyConnections: { code: 4510, reason: 'too many open connections from you' },
  linkBusy: { code: 4511, reason: 'too many connections through this share link, retrying later' },
  accessRevoked: { code: 4431, reason: 'access revoked' },
  /** The page speaks an extension protocol older than this server still serves (`?ext=` below
   * `MIN_EXT_PROTOCOL_VERSION`): it was loaded before a deploy. Final: reconnecting would be
   * refused again; reloading gets the new page. (426 is HTTP's "Upgrade Required".) */
  clientTooOld: { code: 4426, reason: 'reload the page: the server was updated' },
  /** A feature's veto hook refused a client's change and declared that retrying will not help
   * (docs/architecture.md, "Features"); the close reason names the feature and its reason. */
  changeRefused: { code: 4422, reason: 'change refused' },
  loadFailed: { code: 4500, reason: 'configuration could not be loaded, try again later' },
  unsavedBacklog: { code: 4503, reason: 'storage unavailable, too many unsaved changes' },
  slowConsumer: { code: 4504, reason: 'connection too slow to keep up, reconnect' },
  /** A feature's veto hook refused a client's change for now (retryable by its own declaration),
   * or a veto hook failed: the provider reconnects with backoff and resends. */
  changeRefusedForNow: { code: 4522, reason: 'change refused for now, retrying' },
  /** An update builds on changes this process has not received yet (another process committed
   * them and the bus message is late, or was missed and is being re-read): the client reconnects
   * and resends once the server has caught up. Never applied meanwhile: Yjs would hold it unchecked. */
  notYetKnown: { code: 4520, reason: 'update depends on changes the server does not have yet, reconnect' },
  /** The configuration moved to another organisation: its room is reloaded under the new tenant
   * (docs/architecture.md, "Redis key layout"). The client reconnects at once; its access is
   * decided afresh. */
  configMoved: { code: 4530, reason: 'configuration moved, reconnecting' },
} as const;
export type CloseCodeName = keyof typeof CloseCode;

/** Defaults: a server reads its own values from the environment (server/settings.ts). */
export const Limits = {
  /** One WebSocket frame. A config edit is bytes; a pasted customize-image.sh is kilobytes. 1 MiB
   * leaves room for a whole-document sync step 2 of a large config while stopping floods. */
  maxMessageBytes: 1024 * 1024,
  /** Encoded Yjs state of one configuration. Variables and notes are kilobytes; the userpatches
   * tree is what grows: 200 text files of 50 KB (kernel configs, patches, overlay files) are
   * about 10 MiB of document (docs/benchmarks.md, bench:files), so 16 MiB holds such a tree
   * with room to edit it while still stopping runaway growth. */
  maxDocumentBytes: 16 * 1024 * 1024,
  /** Open connections to one configuration, across all users, on one server process. */
  maxConnectionsPerRoom: 500,
  /** Updates received but not yet committed in one room. If Postgres is away for long this stops
   * memory growth: new edits are refused (close 4503) rather than held without bound. */
  maxUnsavedUpdatesPerRoom: 10_000,
  /** Configuration name length (characters). */
  maxNameLength: 200,
  /** REST request body. An imported config with a large customize script fits easily. */
  maxRequestBodyBytes: 2 * 1024 * 1024,
  /** Bytes queued to one slow client. Past this it is disconnected (it resyncs on reconnect)
   * rather than growing server memory without bound. */
  maxBufferedBytesPerConnection: 16 * 1024 * 1024,
  /** Awareness state of one client (JSON bytes): a name, a colour, a focus path and a cursor. */
  maxAwarenessBytes: 8 * 1024,
} as const;

/** Timeouts, each with why it is that long. */
export const Timeouts = {
  /** A room stays loaded this long after its last connection leaves, so a reload or a flaky
   * network does not pay for a fresh load from Postgres. */
  roomIdleUnloadMs: 30_000,
  /** First retry delay after a failed commit; doubles up to the max. The max is short because
   * saving must resume within about 2 s of Postgres answering again, and one small INSERT (or a
   * refused connect) twice a second per process costs Postgres nothing. */
  commitRetryBaseMs: 100,
  commitRetryMaxMs: 500,
} as const;

/** Extension messages carry JSON after the type byte. */
export interface SavedMessage {
  /** Number of updates from this connection that are now durable. */
  seq: number;
}
