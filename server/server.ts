/**
 * Assembles a server process from its dependencies. `main.ts` reads the environment and calls
 * this; tests call it directly with their own database and port 0.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { CloseCode } from '../shared/protocol.ts';
import { createApp } from './app.ts';
import type { Database } from './db/connect.ts';
import type { ConfigHooks } from './routes/config-hooks.ts';
import { createDrizzleStorage } from './storage/drizzle-storage.ts';
import type { DocStorage } from './storage/types.ts';
import { GroupCommitter } from './sync/group-committer.ts';
import { RoomManager } from './sync/room-manager.ts';
import { ConnectionRegistry, createSyncEndpoint, type AuthorizeSync } from './ws-transport.ts';
import { createConfigHooks } from './config-hooks.ts';
import { createSchemaAuthority } from './schema-authority.ts';

const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

/** On shutdown, wait this long for unsaved updates to commit before giving up. */
const SHUTDOWN_FLUSH_TIMEOUT_MS = 10_000;

export interface ServerOptions {
  database: Database;
  logger: Logger;
  port: number;
  host?: string;
  idleUnloadMs?: number;
  compactAfterUpdates?: number;
  /** Folder of the built client; default `dist/client` next to the sources. */
  clientDir?: string;
}

export interface RunningServer {
  port: number;
  url: string;
  storage: DocStorage;
  manager: RoomManager;
  committer: GroupCommitter;
  registry: ConnectionRegistry;
  close(): Promise<void>;
}

/** Until accounts exist every caller may edit; this is where the session check plugs in. */
const openAccess: AuthorizeSync = async () => ({
  ok: true,
  principal: { userId: 'anonymous', name: 'Anonymous', color: '#888888', role: 'editor' },
});

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { database, logger } = options;
  const storage = createDrizzleStorage(database.db);
  const committer = new GroupCommitter({ storage, logger });
  const manager = new RoomManager({
    storage,
    committer,
    logger,
    idleUnloadMs: options.idleUnloadMs,
    compactAfterUpdates: options.compactAfterUpdates,
  });
  const registry = new ConnectionRegistry();
  const authority = createSchemaAuthority({ logger });
  manager.setHooks(authority.hooks);
  const configHooks: ConfigHooks = createConfigHooks({ manager, registry, authority });
  const app = createApp({
    storage,
    manager,
    logger,
    configHooks,
    readiness: { postgres: () => database.ping() },
    db: database.db,
    userIdOf: () => 'anonymous',
    clientDir: options.clientDir ?? DEFAULT_CLIENT_DIR,
  });
  const sync = createSyncEndpoint({ app, manager, authorize: openAccess, logger, registry });

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host ?? '127.0.0.1' }, () => resolve(s));
  });
  sync.injectWebSocket(server);
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, db: database.kind }, 'server listening');

  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    storage,
    manager,
    committer,
    registry,
    async close() {
      server.close();
      await manager.closeAll(CloseCode.goingAway, SHUTDOWN_FLUSH_TIMEOUT_MS);
      committer.close();
      sync.wss.close();
      await new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        resolve();
      });
    },
  };
}
