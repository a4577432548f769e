/**
 * The only file that knows Hono's WebSocket helper. It turns an upgrade on `GET /sync/:configId`
 * into a `Connection` in a `Room`; everything past that is transport-free.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { createNodeWebSocket } from '@hono/node-ws';
import type { AbuseGuard } from './abuse-limits.ts';
import type { SyncObserver } from './metrics.ts';
import type { Context, Hono } from 'hono';
import type { AppEnv } from './auth/actor.ts';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { CloseCode, Limits } from '../shared/protocol.ts';
import { Connection, type Principal } from './sync/connection.ts';
import type { Room } from './sync/room.ts';
import { RoomLoadError, type RoomManager } from './sync/room-manager.ts';

/** Frames larger than this never reach our code: `ws` closes with 1009 before buffering them. */
const WS_MAX_PAYLOAD = Limits.maxMessageBytes;

export type AuthorizeResult = { ok: true; principal: Principal } | { ok: false; close: { code: number; reason: string } };

/** The seam where accounts and share links plug in: who is this, and what may they do here? */
export type AuthorizeSync = (c: Context<AppEnv>, configId: string) => Promise<AuthorizeResult>;

export interface SyncEndpointDeps {
  app: Hono<AppEnv>;
  manager: RoomManager;
  authorize: AuthorizeSync;
  logger: Logger;
  /** Called with every live connection, so access changes can find and close them. */
  registry?: ConnectionRegistry;
  guard?: AbuseGuard;
  observer?: SyncObserver;
}

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
  const { app, manager, logger } = deps;
  const registry = deps.registry ?? new ConnectionRegistry();
  const nodeWs = createNodeWebSocket({ app });
  // @hono/node-ws creates its WebSocketServer with ws' 100 MiB default; bound it to our limit.
  (nodeWs.wss.options as { maxPayload?: number }).maxPayload = WS_MAX_PAYLOAD;

  app.get('/sync/:configId', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return c.json({ error: { code: 'upgrade_required', message: 'this endpoint speaks WebSocket' } }, 426);
    }
    const configId = c.req.param('configId');
    const ext = c.req.query('ext') === '1';
    const auth = await deps.authorize(c, configId);
    const address = getConnInfo(c).remote.address ?? 'unknown';
    return nodeWs.upgradeWebSocket(c, {
      onOpen(_event, ctx) {
        const ws = ctx.raw as WebSocket;
        if (!auth.ok) {
          deps.observer?.rejected(`auth:${auth.close.code}`);
          ws.close(auth.close.code, auth.close.reason);
          return;
        }
        const release = deps.guard ? deps.guard.openConnection(auth.principal.userId, address) : () => {};
        if (!release) {
          deps.observer?.rejected('tooManyConnections');
          ws.close(CloseCode.tooManyConnections.code, CloseCode.tooManyConnections.reason);
          return;
        }
        ws.once('close', release);
        const conn = new Connection(
          {
            send: (data) => {
              if (ws.bufferedAmount > Limits.maxBufferedBytesPerConnection) {
                conn.close(CloseCode.slowConsumer);
                return;
              }
              ws.send(data);
            },
            close: (code, reason) => ws.close(code, reason),
          },
          auth.principal,
          ext,
        );
        attach(ws, conn, configId);
      },
    });
  });

  /** Wires a socket to its room. Frames that arrive while the room loads are kept in order. */
  function attach(ws: WebSocket, conn: Connection, configId: string): void {
    const log = logger.child({ conn: conn.id, configId });
    let room: Room | null = null;
    const early: Uint8Array[] = [];
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        conn.close(CloseCode.malformed);
        return;
      }
      if (deps.guard && !deps.guard.message(conn.principal.userId)) {
        deps.observer?.rejected('rateLimited');
        conn.close(CloseCode.rateLimited);
        return;
      }
      const bytes = toBytes(data);
      if (room) room.handleMessage(conn, bytes);
      else early.push(bytes);
    });
    ws.on('close', () => {
      conn.closed = true;
      registry.remove(configId, conn);
      if (room) manager.leave(room, conn);
    });
    ws.on('error', (error) => log.warn({ err: error }, 'socket error'));
    manager.get(configId).then(
      (loaded) => {
        if (conn.closed) return;
        if (!manager.join(loaded, conn)) return;
        room = loaded;
        registry.add(configId, conn);
        for (const bytes of early.splice(0)) loaded.handleMessage(conn, bytes);
      },
      (error: unknown) => {
        if (error instanceof RoomLoadError && error.code === 'not_found') conn.close(CloseCode.notFound);
        else conn.close(CloseCode.loadFailed);
      },
    );
  }

  return { injectWebSocket: nodeWs.injectWebSocket, wss: nodeWs.wss, registry };
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]));
  throw new Error('unexpected frame type');
}
