/**
 * One database handle for both engines: postgres.js against a real Postgres when a URL is given,
 * PGlite (Postgres compiled to WASM) under the data directory otherwise. Both speak the same SQL
 * and run the same drizzle-kit migrations, so the rest of the server does not know which it has.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from '../../shared/db/schema.ts';

export type Schema = typeof schema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The hot path of every edit, when the engine has a faster one than the query builder:
   * one prepared INSERT on a connection of its own (postgres.js). */
  appendUpdates?: (batch: Array<{ configId: string; update: Uint8Array }>) => Promise<number[]>;
  /** Cheap liveness probe for /health/ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Pool size for postgres.js: the group committer needs one connection, REST and loads the rest. */
const POSTGRES_POOL_SIZE = 10;
/** Give up on an unreachable Postgres quickly so readiness and commits report it instead of hanging. */
const POSTGRES_CONNECT_TIMEOUT_S = 5;

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Apply pending migrations before returning (the server does; tools may not). */
  migrate?: boolean;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : await openPglite(options.dataDir);
  if (options.migrate !== false) await migrateDatabase(database);
  return database;
}

/** What postgres.js hands a custom socket factory (its parsed connection options). */
export interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
}

/**
 * Opens postgres.js' sockets with Nagle's algorithm off (postgres.js leaves it on). The commit
 * connection pipelines INSERTs: with Nagle on, a second INSERT sent while the first one's bytes
 * are unacknowledged would wait for Postgres' reply to the first, which is exactly the wait
 * pipelining is there to avoid. Connect failures and timeouts reach postgres.js as errors.
 */
export function noDelaySocket(target: SocketTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.path
      ? net.connect({ path: target.path })
      : net.connect({ host: target.host[0], port: target.port[0], noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`could not connect to Postgres within ${POSTGRES_CONNECT_TIMEOUT_S} s`));
    }, POSTGRES_CONNECT_TIMEOUT_S * 1000);
    const failed = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', failed);
      resolve(socket);
    });
  });
}

async function openPostgres(url: string): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  // One host per URL: the socket factory connects to the first (multi-host URLs are not used here).
  // `socket` is a documented postgres.js option ("Custom socket") that its type definitions omit.
  const options = { connect_timeout: POSTGRES_CONNECT_TIMEOUT_S, onnotice: () => {}, socket: noDelaySocket };
  const client = postgres(url, { ...options, max: POSTGRES_POOL_SIZE });
  const db = drizzle(client) as unknown as Db;
  // The group committer's own connection: commits never queue behind REST queries or loads.
  const commits = postgres(url, { ...options, max: 1 });
  return {
    db,
    kind: 'postgres',
    appendUpdates: async (batch) => {
      const rows = batch.map((b) => ({ config_id: b.configId, update: Buffer.from(b.update.buffer, b.update.byteOffset, b.update.byteLength) }));
      // The ids come back in the order of the VALUES list: rooms track which rows they hold.
      const inserted = await commits`insert into doc_updates ${commits(rows, 'config_id', 'update')} returning id`;
      return inserted.map((r) => Number(r.id));
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      await commits.end({ timeout: 5 });
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  // `memory://` keeps everything in memory (tests); anything else is a directory on disk.
  let dir = 'memory://';
  if (dataDir !== 'memory://') {
    dir = path.resolve(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  const client = await PGlite.create(dir);
  const db = drizzle(client) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/** Applies `migrations/` (drizzle-kit output) with the migrator matching the engine. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
  }
}
