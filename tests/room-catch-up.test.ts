/**
 * A room reads back from Postgres what the bus never delivered, on the real storage: rows after
 * the ones it holds, a snapshot that replaced rows it never saw (a peer compacted them), and the
 * missing cause of an update Yjs had to park (pending structs). Two room managers stand for two
 * processes; no bus joins them, so only the catch-up can make them equal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { createDrizzleStorage } from '../server/storage/drizzle-storage.ts';
import type { DocStorage } from '../server/storage/types.ts';
import { BusKind } from '../server/sync/bus-frame.ts';
import { GroupCommitter } from '../server/sync/group-committer.ts';
import { RoomManager } from '../server/sync/room-manager.ts';
import { digest } from './helpers/convergence.ts';
import { testLogger } from './helpers/logger.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { readStored } from '../server/storage/stored-doc.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

describe('room catch-up from Postgres', () => {
  let testDb: TestDatabase;
  let database: Database;
  let storage: DocStorage;
  const managers: RoomManager[] = [];
  const manager = () => {
    const m = new RoomManager({ storage, committer: new GroupCommitter({ storage, logger: testLogger() }), logger: testLogger() });
    managers.push(m);
    return m;
  };
  const stored = async (id: string) => {
    return readStored((await storage.loadConfigDoc(mainDoc(id)))!, digest);
  };
  beforeAll(async () => {
    testDb = await createTestDatabase('catchup', { migrated: true });
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
    storage = createDrizzleStorage(database.db, { appendUpdates: database.appendUpdates });
  });
  afterAll(async () => {
    for (const m of managers) await m.closeAll({ code: 1001, reason: 'done' }, 1_000);
    await database?.close();
    await testDb?.drop();
  });

  it('gets rows it never received, and the snapshot when a peer compacted rows it never saw', async () => {
    const { id } = await storage.createConfig({ name: 'catch-up' });
    const [a, b] = [manager(), manager()];
    const [roomA, roomB] = [await a.get(mainDoc(id)), await b.get(mainDoc(id))];
    roomA.transactAsServer(() => roomA.doc.getMap('config').set('BOARD', 'first'));
    await roomA.whenSaved();
    b.catchUp.request(roomB, 'interval');
    await b.catchUp.idle();
    expect(roomB.doc.getMap('config').get('BOARD')).toBe('first');

    // More edits B never hears of, then A folds them into the snapshot: the rows are gone.
    for (let i = 0; i < 5; i++) roomA.transactAsServer(() => roomA.doc.getMap('config').set(`K${i}`, i));
    await roomA.whenSaved();
    await a.compact(roomA);
    expect((await storage.tailSize(mainDoc(id))).count).toBe(0);
    b.catchUp.request(roomB, 'interval');
    await b.catchUp.idle();
    expect(digest(roomB.doc)).toEqual(await stored(id));
  });

  it('a parked update (its cause never arrived on the bus) makes the room read the cause back at once', async () => {
    const { id } = await storage.createConfig({ name: 'pending' });
    const [a, b] = [manager(), manager()];
    const [roomA, roomB] = [await a.get(mainDoc(id)), await b.get(mainDoc(id))];
    const text = () => {
      const map = roomA.doc.getMap('config');
      if (!map.has('customizeScript')) roomA.transactAsServer(() => map.set('customizeScript', new Y.Text()));
      return map.get('customizeScript') as Y.Text;
    };
    text();
    roomA.transactAsServer(() => text().insert(0, 'lost on the bus '));
    await roomA.whenSaved();
    // The next edit builds on the one B never got: Yjs parks it as pending.
    const before = Y.encodeStateVector(roomA.doc);
    roomA.transactAsServer(() => text().insert(text().length, 'and continued'));
    await roomA.whenSaved();
    roomB.applyRemote({ kind: BusKind.update, payload: Y.encodeStateAsUpdate(roomA.doc, before), sentAt: Date.now() });
    await new Promise((r) => setImmediate(r));
    await b.catchUp.idle();
    expect(roomB.hasPending()).toBe(false);
    expect((roomB.doc.getMap('config').get('customizeScript') as Y.Text).toString()).toBe('lost on the bus and continued');
    expect(digest(roomB.doc)).toEqual(await stored(id));
  });
});
