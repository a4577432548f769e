/**
 * Two documents of one configuration over real WebSockets and Postgres (docs/architecture.md,
 * "Document layout"): `/sync/:configId` is the main document (the stock client, unchanged) and
 * `/sync/:configId/:docName` another declared one. Each syncs, stores and crosses processes (on a
 * Redis channel of its own) on its own, both survive
 * a restart, an undeclared name is refused, a purge removes every document's rows, and a database
 * stored before documents had names keeps its data as the main document.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mainDoc } from '../server/storage/doc-key.ts';
import { docFromStored } from '../server/storage/stored-doc.ts';
import { MAIN_DOCUMENT, type DocumentDeclaration, type RootDeclaration } from '../shared/doc-layout.ts';
import { MIGRATIONS_DIR, migratePostgres } from '../shared/node/db/migrate.ts';
import { CloseCode } from '../shared/protocol.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { TEST_REDIS_URL, useTestServer } from './helpers/rig.ts';
import { createConfig, startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

/** A second document, declared for this file only (the product declares `main` alone so far). */
const PAD_ROOT: RootDeclaration = { name: 'pad', kind: 'map', write: 'edit', checks: 'none', capture: 'none', buildInput: false, path: '#pad' };
const DOCUMENTS: DocumentDeclaration[] = [MAIN_DOCUMENT, { name: 'scratch', roots: [PAD_ROOT] }];

function closesOf(client: TestClient): Array<{ code: number; reason: string }> {
  const closes: Array<{ code: number; reason: string }> = [];
  client.provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return closes;
}

describe('documents of a configuration over WebSockets', () => {
  const rig = useTestServer({ documents: DOCUMENTS, redis: 'docaddr' });
  /** Servers started besides the rig's (a peer process, the restart), on its database and Redis
   * prefix, stopped before the rig cleans up. */
  const others: TestServer[] = [];
  let restarted: TestServer | null = null;
  const startOther = async () => {
    const other = await startTestServer({ testDb: rig.server.testDb, owner: rig.server.owner, documents: DOCUMENTS, redisUrl: TEST_REDIS_URL, keyPrefix: rig.keyPrefix! });
    others.push(other);
    return other;
  };
  // Registered after the rig's: runs before its cleanup drops the database.
  afterAll(async () => {
    for (const client of rig.clients.splice(0)) client.destroy();
    for (const other of others) await other.stop();
  });
  let id = '';

  it('two documents sync and store independently', async () => {
    const { server } = rig;
    id = await createConfig(server, { name: 'two documents' });
    const who = { url: server.url, token: server.token };
    const [main1, main2] = [rig.connect(who, id), rig.connect(who, id)];
    const [scratch1, scratch2] = [rig.connect(who, `${id}/scratch`), rig.connect(who, `${id}/scratch`)];
    await Promise.all([main1, main2, scratch1, scratch2].map((c) => synced(c)));

    main1.doc.getMap('config').set('BOARD', 'rock-5b');
    scratch1.doc.getMap('pad').set('line', 'only in scratch');
    await eventually(() => expect(main2.doc.getMap('config').get('BOARD')).toBe('rock-5b'));
    await eventually(() => expect(scratch2.doc.getMap('pad').get('line')).toBe('only in scratch'));
    scratch2.doc.getMap('pad').set('second', 'also scratch');
    await eventually(() => expect(scratch1.doc.getMap('pad').get('second')).toBe('also scratch'));

    // Stored apart: each document's rows hold only its own edits.
    await eventually(async () => {
      const stored = docFromStored((await server.storage.loadConfigDoc(server.manager.keyOf(id, 'scratch')!))!);
      expect(stored.getMap('pad').toJSON()).toEqual({ line: 'only in scratch', second: 'also scratch' });
      expect(stored.getMap('config').size).toBe(0);
    });
    const storedMain = docFromStored((await server.storage.loadConfigDoc(mainDoc(id)))!);
    expect(storedMain.getMap('config').get('BOARD')).toBe('rock-5b');
    expect(storedMain.getMap('pad').size).toBe(0);
    // Neither side ever received the other's edits.
    for (const client of [main1, main2]) expect(client.doc.getMap('pad').size).toBe(0);
    for (const client of [scratch1, scratch2]) expect(client.doc.getMap('config').size).toBe(0);
    // REST reads the main document.
    const res = await server.api(`/api/configs/${id}`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).not.toContain('only in scratch');
  });

  it('another document crosses processes on a channel of its own, both named with the tenant', async () => {
    const { server } = rig;
    const peer = await startOther();
    const listener = new Redis(TEST_REDIS_URL);
    const heard: string[] = [];
    try {
      listener.on('messageBuffer', (channel: Buffer) => heard.push(channel.toString()));
      await listener.subscribe(`${rig.keyPrefix}t:personal:doc:${id}`, `${rig.keyPrefix}t:personal:doc:${id}:scratch`);
      const [here, there] = [{ url: server.url, token: server.token }, { url: peer.url, token: peer.token }];
      const scratchHere = rig.connect(here, `${id}/scratch`);
      const scratchThere = rig.connect(there, `${id}/scratch`);
      const mainThere = rig.connect(there, id);
      await Promise.all([scratchHere, scratchThere, mainThere].map((c) => synced(c)));
      scratchHere.doc.getMap('pad').set('crossing', 'to the peer');
      await eventually(() => expect(scratchThere.doc.getMap('pad').get('crossing')).toBe('to the peer'));
      await eventually(() => expect(heard).toContain(`${rig.keyPrefix}t:personal:doc:${id}:scratch`));
      expect(mainThere.doc.getMap('pad').size).toBe(0);
      // The main document publishes on `t:<tenant>:doc:<configId>` (a personal configuration's tenant).
      rig.connect(here, id).doc.getMap('config').set('BRANCH', 'vendor');
      await eventually(() => expect(mainThere.doc.getMap('config').get('BRANCH')).toBe('vendor'));
      expect(heard).toContain(`${rig.keyPrefix}t:personal:doc:${id}`);
    } finally {
      listener.disconnect();
      for (const client of rig.clients.splice(0)) client.destroy();
      await peer.stop();
    }
  });

  it('an undeclared document name is refused: close 4404 over WebSocket, 404 over HTTP', async () => {
    const { server } = rig;
    const who = { url: server.url, token: server.token };
    const stray = rig.connect(who, `${id}/nope`);
    const closes = closesOf(stray);
    await eventually(() => expect(closes[0]).toEqual({ code: CloseCode.unknownDocument.code, reason: CloseCode.unknownDocument.reason }));
    const plain = await fetch(`${server.url}/sync/${id}/nope`);
    expect(plain.status).toBe(404);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('unknown_document');
    expect((await fetch(`${server.url}/sync/${id}/scratch`)).status).toBe(426);
    expect(server.manager.keyOf(id, 'nope')).toBeNull();
  });

  it('both documents survive a restart on the same database', async () => {
    const { server } = rig;
    for (const client of rig.clients.splice(0)) client.destroy();
    await server.stop();
    restarted = await startOther();
    const who = { url: restarted.url, token: restarted.token };
    const main = connectClient(who, id);
    const scratch = connectClient(who, `${id}/scratch`);
    rig.clients.push(main, scratch);
    await Promise.all([synced(main), synced(scratch)]);
    expect(main.doc.getMap('config').toJSON()).toMatchObject({ BOARD: 'rock-5b', BRANCH: 'vendor' });
    expect(main.doc.getMap('pad').size).toBe(0);
    expect(scratch.doc.getMap('pad').toJSON()).toEqual({ line: 'only in scratch', second: 'also scratch', crossing: 'to the peer' });
    expect(scratch.doc.getMap('config').size).toBe(0);
  });

  it("purging the configuration deletes every document's rows", async () => {
    const current = restarted!;
    for (const client of rig.clients.splice(0)) client.destroy();
    expect((await current.api(`/api/configs/${id}`, { method: 'DELETE' })).status).toBe(204);
    await current.database.db.execute(sql`update configs set deleted_at = now() - interval '3650 days' where id = ${id}`);
    expect(await current.trashSweep.runOnce()).toEqual([id]);
    const rows = (await current.database.db.execute(
      sql`select (select count(*) from doc_updates where config_id = ${id})::int as updates, (select count(*) from doc_snapshots where config_id = ${id})::int as snapshots`,
    )) as unknown as Array<{ updates: number; snapshots: number }>;
    expect(rows[0]).toEqual({ updates: 0, snapshots: 0 });
  });
});

describe('a database stored before documents had names', () => {
  it('keeps its data as the main document after the migration', async () => {
    const testDb = await createTestDatabase('docnames');
    const folder = await mkdtemp(path.join(tmpdir(), 'boardroom-migrations-'));
    let server: TestServer | null = null;
    let client: TestClient | null = null;
    try {
      // Every migration before the one that named documents (found by its name, not its number:
      // migrations are renumbered when branches merge).
      const journal = JSON.parse(await readFile(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
      const naming = journal.entries.find((e) => e.tag.endsWith('_doc_names'))!;
      const before = journal.entries.filter((e) => e.idx < naming.idx);
      await mkdir(path.join(folder, 'meta'));
      await writeFile(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: before }));
      for (const e of before) await copyFile(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(folder, `${e.tag}.sql`));
      await migratePostgres(testDb.url, folder);

      // A configuration as the previous release stored it: a snapshot and two log rows.
      const base = new Y.Doc();
      base.getMap('config').set('BOARD', 'orangepi5');
      const log: Uint8Array[] = [];
      const later = new Y.Doc();
      Y.applyUpdate(later, Y.encodeStateAsUpdate(base));
      later.on('update', (u: Uint8Array) => log.push(u));
      later.getMap('config').set('BRANCH', 'vendor');
      later.getMap('config').set('RELEASE', 'bookworm');
      const db = postgres(testDb.url, { max: 1, onnotice: () => {} });
      let configId: string;
      try {
        [{ id: configId }] = await db<Array<{ id: string }>>`insert into configs (name) values ('from 0007') returning id`;
        await db`insert into doc_snapshots (config_id, state, folded_updates) values (${configId}, ${Buffer.from(Y.encodeStateAsUpdate(base))}, 3)`;
        for (const u of log) await db`insert into doc_updates (config_id, update) values (${configId}, ${Buffer.from(u)})`;
      } finally {
        await db.end();
      }

      server = await startTestServer({ testDb });
      await server.database.db.execute(sql`insert into config_members (config_id, user_id, role) values (${configId}, ${server.owner.user.id}, 'owner')`);
      const names = (await server.database.db.execute(
        sql`select distinct doc_name from doc_updates where config_id = ${configId} union select doc_name from doc_snapshots where config_id = ${configId}`,
      )) as unknown as Array<{ doc_name: string }>;
      expect(names.map((r) => r.doc_name)).toEqual(['main']);

      client = connectClient({ url: server.url, token: server.token }, configId);
      await synced(client);
      expect(client.doc.getMap('config').toJSON()).toMatchObject({ BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'bookworm' });
      const res = await server.api(`/api/configs/${configId}`);
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain('bookworm');
    } finally {
      client?.destroy();
      await server?.stop();
      await testDb.drop();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
