/**
 * The shared test rig itself (tests/helpers/rig.ts, tests/helpers/postgres.ts): a migrated test
 * database is a copy of the template that the server's own start-up migration finds complete,
 * and a rig restarts its server, or starts a second one, on the same database.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migratePostgres } from '../shared/node/db/migrate.ts';
import { createTestDatabase, templateName, type TestDatabase } from './helpers/postgres.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';

const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };

describe('migrated test databases', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('start with every migration applied, so the server\'s migration step has nothing to do', async () => {
    const db = await createTestDatabase('rig', { migrated: true });
    dbs.push(db);
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const applied = async () => (await sql`select count(*)::int as n from drizzle.__drizzle_migrations`)[0]!.n as number;
      expect(await applied()).toBe(journal.entries.length);
      await migratePostgres(db.url);
      expect(await applied()).toBe(journal.entries.length);
      const tables = await sql`select 1 from information_schema.tables where table_name = 'doc_updates'`;
      expect(tables.length).toBe(1);
    } finally {
      await sql.end();
    }
  });

  it('are named after the migrations they hold', async () => {
    expect(templateName()).toMatch(/^boardroom_tpl_[0-9a-f]{12}$/);
    expect(templateName(path.join(MIGRATIONS_DIR, 'meta'))).not.toBe(templateName());
    const empty = await createTestDatabase('rig');
    dbs.push(empty);
    const sql = postgres(empty.url, { max: 1, onnotice: () => {} });
    try {
      expect((await sql`select 1 from information_schema.tables where table_schema = 'public'`).length).toBe(0);
    } finally {
      await sql.end();
    }
  });
});

describe('the rig', () => {
  let evaluated = 0;
  // A function: evaluated once, in the rig's beforeAll.
  const rig = useTestServer(() => {
    evaluated += 1;
    return { redis: 'rig', compactAfterUpdates: 1_000 };
  });
  const { server } = rig;

  it('evaluates options given as a function when it starts', () => {
    expect(evaluated).toBe(1);
    expect(rig.keyPrefix).toMatch(/^test:rig:[0-9a-f]{10}:$/);
  });

  it('restarts the server on the same database, with the same owner', async () => {
    const id = await createConfig(server);
    const before = server.url;
    await rig.restart();
    expect(server.url).not.toBe(before);
    const res = await server.api(`/api/configs/${id}`);
    expect(res.status).toBe(200);
  });

  it('starts a second server on the same database', async () => {
    const id = await createConfig(server);
    const other = await rig.startAnother();
    expect(other.url).not.toBe(server.url);
    expect(other.owner.user.id).toBe(server.owner.user.id);
    const res = await other.api(`/api/configs/${id}`);
    expect(res.status).toBe(200);
  });
});
