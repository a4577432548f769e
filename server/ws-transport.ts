/**
 * The only file that knows the WebSocket transport. It takes HTTP upgrades on
 * `GET /sync/:configId` (the configuration's main document, what the stock y-websocket client
 * opens) and `GET /sync/:configId/:docName` (another declared document) straight from Node's server (plain `ws`, no framework objects per
 * socket: at 15,000 connections every retained byte counts) and turns each into a `Connection`
 * in a `Room`; everything past that is transport-free. Plain GETs on the same path are answered
 * by the Hono app (426).
 */
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { MIN_EXT_PROTOCOL_VERSION, parseExtVersion } from '../shared/ext-messages.ts';
import { CloseCode, Limits } from '../shared/protocol.ts';
import type { AbuseGuard, ConnectionQuota, ConnectionRefusal } from './abuse-limits.ts';
import { addressKey, clientAddress, NO_TRUSTED_PROXIES, type TrustedProxies } from './request-trust/client-address.ts';
import { decodeComponent, parseRequestUrl } from './input-decode.ts';
import type { SyncObserver } from './metrics.ts';
import { Connection, type ConnectionPrincipal } from './sync/connection.ts';
import type { Room } from './sync/room.ts';
import { RoomLoadError, type RoomManager } from './sync/room-manager.ts';
import { withDeadline } from '../shared/deadline.ts';
import { MAIN_DOC_NAME } from '../shared/doc-layout.ts';
import type { DocKey } from './storage/doc-key.ts';

const SYNC_PATH_RE = /^\/sync\/([^/?#]+)(?:\/([^/?#]+))?$/;
/** Authorizing a connection and loading its room take a few queries of milliseconds each. When
 * they have not answered in this long, Postgres is away: the client is told to retry later (4500,
 * which the stock provider retries with its backoff) instead of waiting on a socket that says
 * nothing. */
export const ADMISSION_TIMEOUT_MS = 5_000; // the default of the `ADMISSION_TIMEOUT_MS` setting (server/settings.ts)

class AdmissionTimeout extends Error {
  readonly code = 'admission_timeout';
}

/** Rejects with AdmissionTimeout when `work` takes longer than `timeoutMs`. */
function withinAdmission<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  return withDeadline(work, timeoutMs, () => new AdmissionTimeout(`no answer within ${timeoutMs} ms`));
}
/** A refused upgrade's URL goes to the log cut to this length: the client chose it. */
const MAX_LOGGED_URL_LENGTH = 200;

const REFUSALS = {
  400: { text: 'Bad Request', code: 'bad_request', message: 'the configuration id in the path is not a valid percent-encoding' },
  404: { text: 'Not Found', code: 'not_found', message: 'WebSocket upgrades are served on /sync/:configId and /sync/:configId/:docName only' },
  503: { text: 'Service Unavailable', code: 'shutting_down', message: 'this server is shutting down; reconnect' },
} as const;

export type AuthorizeResult = { ok: true; principal: ConnectionPrincipal } | { ok: false; close: { code: number; reason: string } };

export interface UpgradeRequest {
  configId: string;
  url: URL;
  headers: IncomingHttpHeaders;
  address: string;
}

/** The seam where accounts and share links plug in: who is this, and what may they do here? */
export type AuthorizeSync = (request: UpgradeRequest) => Promise<AuthorizeResult>;

export interface SyncEndpointDeps {
  manager: RoomManager;
  authorize: AuthorizeSync;
  logger: Logger;
  /** Every live connection, so access changes and shutdown can find them. */
  registry?: ConnectionRegistry;
  guard?: AbuseGuard;
  observer?: SyncObserver;
  /** Frame and send-buffer limits (server/settings.ts); default shared/protocol.ts. */
  limits?: { maxMessageBytes: number; maxBufferedBytesPerConnection: number; admissionTimeoutMs?: number };
  /** Proxies whose X-Forwarded-For names the client (`TRUST_PROXY`). */
  trustedProxies?: TrustedProxies;
  /** Oldest `?ext=` version served; default MIN_EXT_PROTOCOL_VERSION (shared/ext-messages.ts). */
  minExtVersion?: number;
}

/** `?ext=` that is not a version number: a client bug, final. */
const MALFORMED_EXT = { code: CloseCode.malformed.code, reason: 'ext must be the extension protocol version, a whole number' };

const REFUSAL_CLOSE: Record<ConnectionRefusal, { code: number; reason: string }> = {
  person: CloseCode.tooManyConnections,
  address: CloseCode.tooManyConnections,
  link: CloseCode.linkBusy,
};

/** Live connections by config, for revocations and shutdown. */
export class ConnectionRegistry {
  readonly byConfig = new Map<string, Set<Connection>>();
  add(configId: string, conn: Connection): void {
    let set = this.byConfig.get(configId);
    if (!set) this.byConfig.set(configId, (set = new Set()));
    set.add(conn);
  }
  remove(configId: string, conn: Connection): void {
    const set = this.byConfig.get(configId);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.byConfig.delete(configId);
  }
  get size(): number {
    let n = 0;
    for (const s of this.byConfig.values()) n += s.size;
    return n;
  }
}

export function createSyncEndpoint(deps: SyncEndpointDeps) {
  const { manager, logger } = deps;
  const registry = deps.registry ?? new ConnectionRegistry();
  const limits = deps.limits ?? Limits;
  const admissionTimeoutMs = deps.limits?.admissionTimeoutMs ?? ADMISSION_TIMEOUT_MS;
  // Frames larger than this never reach our code: `ws` closes with 1009 before buffering them.
  // No client tracking: the registry (and the rooms) already hold every connection; ws' own set
  // would be one more entry and one more close listener per socket.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false, clientTracking: false });
  let accepting = true;

  /** Answers an upgrade we refuse before it becomes a WebSocket: plain HTTP with the REST error
   * shape, then close. */
  function refuse(socket: Duplex, status: 400 | 404 | 503): void {
    const { text, code, message } = REFUSALS[status];
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = parseRequestUrl(req.url);
    const match = url ? SYNC_PATH_RE.exec(url.pathname) : null;
    if (!url || !match || !accepting) {
      refuse(socket, !url ? 400 : accepting ? 404 : 503);
      return;
    }
    // `%ZZ` or a cut-off UTF-8 escape: a client error, answered before any lookup.
    const configId = decodeComponent(match[1]);
    const docName = match[2] === undefined ? MAIN_DOC_NAME : decodeComponent(match[2]);
    if (configId === null || docName === null) {
      deps.observer?.rejected('badPath');
      refuse(socket, 400);
      return;
    }
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.trustedProxies ?? NO_TRUSTED_PROXIES);
    // No `ext`: a stock y-websocket client, which gets no extension messages. A page older than
    // the oldest version served is told to reload before anything else (no lookup needed).
    const extVersion = parseExtVersion(url.searchParams.get('ext'));
    const ext = extVersion !== null;
    // Only a declared document: the name from the URL goes no further than this lookup. Refused
    // before any lookup (the declared names are no secret); accepted, then closed with a reason,
    // since a WebSocket client cannot read an HTTP status.
    const doc = manager.keyOf(configId, docName);
    if (!doc) {
      deps.observer?.rejected('unknownDocument');
      logger.info({ configId, addr: address, code: CloseCode.unknownDocument.code }, 'sync connection refused: unknown document');
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode.unknownDocument.code, CloseCode.unknownDocument.reason));
      return;
    }
    let auth: AuthorizeResult;
    if (extVersion === 'malformed') {
      auth = { ok: false, close: MALFORMED_EXT };
    } else if (extVersion !== null && extVersion < (deps.minExtVersion ?? MIN_EXT_PROTOCOL_VERSION)) {
      auth = { ok: false, close: CloseCode.clientTooOld };
    } else {
      try {
        auth = await withinAdmission(deps.authorize({ configId, url, headers: req.headers, address }), admissionTimeoutMs);
      } catch (error) {
        logger.error({ err: error, configId, addr: address }, 'sync authorization failed');
        auth = { ok: false, close: CloseCode.loadFailed };
      }
    }
    // Accept, then close with a reason: a WebSocket client cannot read an HTTP error status.
    if (!auth.ok) {
      logger.info({ configId, addr: address, code: auth.close.code }, 'sync connection refused');
      const refusal = auth.close;
      wss.handleUpgrade(req, socket, head, (ws) => {
        deps.observer?.rejected(`auth:${refusal.code}`);
        ws.close(refusal.code, refusal.reason);
      });
      return;
    }
    // The room is loaded (or found loaded) before the handshake is answered, only for someone
    // let in: the connection then joins it in the same turn as the handshake, so the 101, sync
    // step 1 and the awareness states leave in one write (a system call per socket is what a
    // reconnect storm of thousands pays most for), and no frame can arrive before the room.
    const found = await roomFor(doc, address);
    socket.cork();
    try {
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (!found.ok) {
          ws.close(found.close.code, found.close.reason);
          return;
        }
        open(ws, found.room, ext, address, auth.principal);
      });
    } finally {
      socket.uncork();
    }
  }

  /** The document's room, loaded if it was not (one load per document however many sockets wait
   * for it: RoomManager.get), or the close that says why it cannot be served. */
  async function roomFor(doc: DocKey, address: string): Promise<{ ok: true; room: Room } | { ok: false; close: { code: number; reason: string } }> {
    const loaded = manager.peek(doc);
    if (loaded) return { ok: true, room: loaded };
    try {
      return { ok: true, room: await withinAdmission(manager.get(doc), admissionTimeoutMs) };
    } catch (error) {
      if (error instanceof RoomLoadError && error.code === 'not_found') return { ok: false, close: CloseCode.notFound };
      if (error instanceof AdmissionTimeout) logger.warn({ configId: doc.configId, addr: address }, 'room load did not answer in time; client told to retry');
      return { ok: false, close: CloseCode.loadFailed };
    }
  }

  function open(ws: WebSocket, room: Room, ext: boolean, address: string, principal: ConnectionPrincipal): void {
    const key = addressKey(address);
    // A guest's id is made up per connection; the person a guest counts as is (link, address).
    const person = principal.who.kind === 'member' ? principal.userId : `guest:${principal.who.link.id}@${key}`;
    const granted = deps.guard ? deps.guard.openConnection({ person, address: key, link: principal.linkId ?? undefined }) : { ok: true as const, quota: UNLIMITED };
    if (!granted.ok) {
      deps.observer?.rejected(granted.refused === 'link' ? 'linkBusy' : 'tooManyConnections');
      const close = REFUSAL_CLOSE[granted.refused];
      ws.close(close.code, close.reason);
      return;
    }
    const conn: Connection = new Connection(
      {
        send: (data) => {
          if (ws.bufferedAmount > limits.maxBufferedBytesPerConnection) {
            conn.close(CloseCode.slowConsumer);
            return;
          }
          ws.send(data);
        },
        close: (code, reason) => ws.close(code, reason),
      },
      principal,
      ext,
    );
    attach(ws, conn, room, granted.quota);
  }

  /** Wires a socket to its loaded room, in the turn of the handshake (no frame has arrived yet).
   * The registry holds connections by configuration, whichever document they opened: access is
   * the configuration's, so a revocation ends them all. */
  function attach(ws: WebSocket, conn: Connection, room: Room, quota: ConnectionQuota): void {
    const { configId } = room.key;
    let joined = false;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        conn.close(CloseCode.malformed);
        return;
      }
      if (!quota.message()) {
        deps.observer?.rejected('rateLimited');
        conn.close(CloseCode.rateLimited);
        return;
      }
      if (joined) room.handleMessage(conn, toBytes(data));
    });
    ws.on('close', (code: number) => {
      deps.observer?.disconnected?.(code);
      conn.closed = true;
      quota.release();
      if (!joined) return;
      registry.remove(configId, conn);
      manager.leave(room, conn);
    });
    // Created only when there is something to say: a child logger per socket costs memory.
    ws.on('error', (error) => logger.warn({ err: error, conn: conn.id, configId }, 'socket error'));
    if (!manager.join(room, conn)) return;
    joined = true;
    registry.add(configId, conn);
  }

  return {
    wss,
    registry,
    /** Routes `/sync/*` upgrades of `server` here. */
    attach(server: Server): void {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        // This runs outside any request handler: whatever escapes must end this socket, never
        // become an unhandled rejection (that took the whole process down once).
        onUpgrade(req, socket, head).catch((error: unknown) => {
          logger.error({ err: error, url: req.url?.slice(0, MAX_LOGGED_URL_LENGTH) }, 'sync upgrade failed');
          deps.observer?.rejected('upgradeFailed');
          socket.destroy();
        });
      });
    },
    /** Stops taking new sync connections (shutdown). */
    stopAccepting(): void {
      accepting = false;
    },
  };
}

const UNLIMITED: ConnectionQuota = { message: () => true, release: () => {} };

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  throw new Error('unexpected frame type');
}
