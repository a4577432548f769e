/**
 * Applies `migrations/` (drizzle-kit output) to a real Postgres under a Postgres advisory lock, so
 * any number of servers and builders can start at once on an empty database: the first to take
 * the lock migrates, the others wait for it and then find nothing left to do. Without the lock,
 * concurrent drizzle migrators race on `CREATE SCHEMA drizzle` and the migrations table and all
 * but one exit with a duplicate key.
 *
 * Every process that needs the tables runs this before touching them (server and builder), so
 * no start-up order between them matters.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { MIGRATE_TUNING, openPostgresClient } from './postgres-client.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Key of the session-level advisory lock held while migrating ("board" in ASCII: any fixed value
 * that no other advisory-lock user of the database picks). */
export const MIGRATION_LOCK_KEY = 0x626f617264;
/** Closing the migration connection waits this long for it to finish politely (seconds). */
const CLOSE_TIMEOUT_S = 5;

/** Runs the migrations on one dedicated connection holding the migration lock. */
export async function migratePostgres(url: string, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  // One connection: the advisory lock belongs to a session, and drizzle's migration transaction
  // must run inside that same session.
  const client = openPostgresClient(url, { max: 1, ...MIGRATE_TUNING });
  try {
    const db = drizzle(client);
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`);
    try {
      await migrate(db, { migrationsFolder });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`);
    }
  } finally {
    await client.end({ timeout: CLOSE_TIMEOUT_S });
  }
}
