/**
 * One database handle for both engines: postgres.js against a real Postgres when a URL is given,
 * PGlite (Postgres compiled to WASM) under the data directory otherwise. Both speak the same SQL
 * and run the same drizzle-kit migrations, so the rest of the server does not know which it has.
 */
import { mkdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { MIGRATIONS_DIR, migratePostgres } from '../../shared/node/db/migrate.ts';
import { COMMIT_TUNING, openPostgresClient, POOL_TUNING } from '../../shared/node/db/postgres-client.ts';
import * as schema from '../../shared/node/db/schema.ts';
import { MAIN_DOC_NAME } from '../../shared/doc-layout.ts';
import type { PendingUpdate } from '../storage/types.ts';
import { withDeadline } from '../../shared/deadline.ts';

export type Schema = typeof schema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The hot path of every edit, when the engine has a faster one than the query builder:
   * one prepared INSERT on a connection of its own (postgres.js). */
  appendUpdates?: (batch: readonly PendingUpdate[]) => Promise<number[]>;
  /** Cheap liveness probe for /health/ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export { MIGRATIONS_DIR };

/** Pool size for postgres.js: REST, loads, compaction and history share it (commits have their
 * own). The default of DATABASE_POOL_SIZE (server/settings.ts). */
const POSTGRES_POOL_SIZE = 10;
/** A commit still unanswered after this long is on a dead connection even if its socket has not
 * noticed yet (the socket watchdog fires at COMMIT_TUNING.replyTimeoutMs; this is the backstop). */
const COMMIT_DEADLINE_MS = COMMIT_TUNING.replyTimeoutMs + 500;
/** Closing a pool waits this long for queries in flight (seconds). */
const CLOSE_TIMEOUT_S = 5;

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  /** Apply pending migrations before returning (the server does; tools may not). */
  migrate?: boolean;
  /** Connections of the shared pool; default POSTGRES_POOL_SIZE. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    // Under the migration lock on a connection of its own, before any pool touches a table.
    if (options.migrate !== false) await migratePostgres(options.databaseUrl);
    return openPostgres(options.databaseUrl, options.poolSize ?? POSTGRES_POOL_SIZE);
  }
  const database = await openPglite(options.dataDir);
  if (options.migrate !== false) await migratePglite(database);
  return database;
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = openPostgresClient(url, { max: poolSize, ...POOL_TUNING });
  const db = drizzle(client) as unknown as Db;
  // The group committer's own connection: commits never queue behind REST queries or loads.
  const commitSockets = new Set<Socket>();
  const commits = openPostgresClient(url, { max: 1, ...COMMIT_TUNING }, commitSockets);
  return {
    db,
    kind: 'postgres',
    appendUpdates: async (batch) => {
      // A batch of main documents only (nearly every one) is the INSERT it always was, the column's
      // default naming the document; a batch with another document names every row's.
      let onlyMain = true;
      for (const b of batch) if (b.doc.docName !== MAIN_DOC_NAME) onlyMain = false;
      const rows = batch.map((b) => ({ config_id: b.doc.configId, doc_name: b.doc.docName, update: Buffer.from(b.update.buffer, b.update.byteOffset, b.update.byteLength) }));
      const values = onlyMain ? commits(rows, 'config_id', 'update') : commits(rows, 'config_id', 'doc_name', 'update');
      // Ids come back in the order of the VALUES list: rooms track which rows they hold.
      const inserted = await withDeadline(commits`insert into doc_updates ${values} returning id`, COMMIT_DEADLINE_MS, () => new DeadlineError(`no answer from Postgres within ${COMMIT_DEADLINE_MS} ms`), () => {
        // Everything in flight on this connection is lost with it; the committer retries it all.
        for (const socket of commitSockets) socket.destroy();
      });
      return inserted.map((r) => Number(r.id));
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      await commits.end({ timeout: CLOSE_TIMEOUT_S });
      await client.end({ timeout: CLOSE_TIMEOUT_S });
    },
  };
}

class DeadlineError extends Error {
  readonly code = 'COMMIT_DEADLINE';
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

/** Applies `migrations/` with the PGlite migrator (one process owns a PGlite: no lock needed). */
async function migratePglite(database: Database): Promise<void> {
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await migrate(database.db as any, { migrationsFolder: MIGRATIONS_DIR });
}
