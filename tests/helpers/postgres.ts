/**
 * Each test file gets its own database on the real Postgres (DATABASE_URL's server, default the
 * local one), dropped when the file is done.
 *
 * A migrated one (`{ migrated: true }`, what test servers use) is a copy of a template database,
 * `boardroom_tpl_<hash of migrations/>`, made with `CREATE DATABASE ... TEMPLATE`: a file copy
 * instead of running every migration again in every file. The template is migrated once, by the
 * project's own migrator, and is named after the migrations it holds, so a changed or added
 * migration simply makes a new one (docs/architecture.md, "Testing").
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { MIGRATIONS_DIR, migratePostgres } from '../../shared/node/db/migrate.ts';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Prefix of template databases; the rest of the name is TEMPLATE_HASH_LENGTH hex digits. */
const TEMPLATE_PREFIX = 'boardroom_tpl_';
const TEMPLATE_HASH_LENGTH = 12;
const TEMPLATE_NAME = new RegExp(`^${TEMPLATE_PREFIX}[0-9a-f]{${TEMPLATE_HASH_LENGTH}}$`);
/** Session advisory lock (on the admin database) held while a template is made: parallel vitest
 * workers wait for the first one instead of all migrating ("tpl" in ASCII; the migrator's own
 * lock lives in the database being migrated, so the two never meet). */
const TEMPLATE_LOCK_KEY = 0x74706c;
/** Copying a template fails while any session is connected to it (the migrator's connection
 * closing, a stray psql); such a clash is brief, so the copy is retried for this long. */
const CLONE_RETRY_MS = 10_000;
const CLONE_RETRY_INTERVAL_MS = 50;

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Start with every migration applied (a copy of the template); default an empty database,
   * for tests of migrating itself. */
  migrated?: boolean;
}

export async function createTestDatabase(label = 't', options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `boardroom_${label}_${randomBytes(5).toString('hex')}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    if (options.migrated) await cloneTemplate(admin, name);
    else await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  return {
    url,
    name,
    async drop() {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `boardroom_tpl_<hash>`: the hash covers every file under migrations/ (SQL, journal, snapshots),
 * names and contents, so any change to them names a different template. */
export function templateName(migrationsDir = MIGRATIONS_DIR): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(`${path.relative(migrationsDir, full)}\0`).update(readFileSync(full)).update('\0');
    }
  };
  walk(migrationsDir);
  return TEMPLATE_PREFIX + hash.digest('hex').slice(0, TEMPLATE_HASH_LENGTH);
}

/** The template of this process's migrations, computed once per test file. */
let template: string | null = null;

async function cloneTemplate(admin: postgres.Sql, name: string): Promise<void> {
  template ??= templateName();
  const tpl = template;
  await ensureTemplate(admin, tpl);
  const deadline = Date.now() + CLONE_RETRY_MS;
  for (;;) {
    try {
      await admin.unsafe(`create database ${name} template ${tpl}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 55006 "source database is being accessed by other users" (a connection still closing);
      // 3D000: another checkout, with other migrations, dropped it as stale: make it again.
      if ((code !== '55006' && code !== '3D000') || Date.now() > deadline) throw error;
      if (code === '3D000') await ensureTemplate(admin, tpl);
      else await new Promise((resolve) => setTimeout(resolve, CLONE_RETRY_INTERVAL_MS));
    }
  }
}

/**
 * Makes the template unless it is there. Under the lock: the first worker migrates, the others
 * wait and find it done. A template is complete once it is marked `is_template` (the last step),
 * so one left half-migrated by a killed run is dropped and made again. Templates of other
 * migrations (stale) are dropped when a new one is made, so they do not pile up.
 */
async function ensureTemplate(admin: postgres.Sql, tpl: string): Promise<void> {
  const ready = async () => (await admin`select 1 from pg_database where datname = ${tpl} and datistemplate`).length > 0;
  if (await ready()) return;
  await admin`select pg_advisory_lock(${TEMPLATE_LOCK_KEY})`;
  try {
    if (await ready()) return;
    const all = await admin<{ datname: string }[]>`select datname from pg_database`;
    for (const { datname } of all.filter((d) => TEMPLATE_NAME.test(d.datname))) {
      // A template cannot be dropped; FORCE ends sessions, and waits for a copy in progress.
      await admin.unsafe(`alter database ${datname} is_template false`);
      await admin.unsafe(`drop database ${datname} with (force)`);
    }
    await admin.unsafe(`create database ${tpl}`);
    // The project's migrator, which closes its connection before returning: nothing stays
    // connected to the template to block the copies.
    await migratePostgres(databaseUrl(tpl));
    await admin.unsafe(`alter database ${tpl} is_template true`);
  } finally {
    await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_KEY})`;
  }
}
