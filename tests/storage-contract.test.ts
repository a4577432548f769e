/**
 * One contract, every storage engine: the same assertions on PGlite, on a real Postgres, and on
 * the unit tier's in-memory double.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { createDrizzleStorage } from '../server/storage/drizzle-storage.ts';
import type { DocStorage } from '../server/storage/types.ts';
import { docFromStored as docFrom, mergeStored } from '../server/storage/stored-doc.ts';
import { createMemoryStorage } from './doubles/memory-storage.ts';
import { docKey, mainDoc } from '../server/storage/doc-key.ts';
import { MAIN_DOCUMENT, NOTES_ROOT, type DocumentDeclaration } from '../shared/doc-layout.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

/** Makes `n` successive updates to a list, as separate Yjs updates. */
function makeUpdates(n: number, prefix: string): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < n; i++) doc.getMap('config').set(`${prefix}${i}`, i);
  return out;
}

const engines: Array<{ name: string; open: () => Promise<{ storage: DocStorage; done: () => Promise<void> }> }> = [
  {
    // The unit tier's double (tests/doubles/memory-storage.ts) is held to the same contract.
    name: 'memory',
    open: async () => ({ storage: createMemoryStorage(), done: async () => {} }),
  },
  {
    name: 'pglite',
    open: async () => {
      const db = await openDatabase({ dataDir: 'memory://' });
      return { storage: storageOf(db), done: () => db.close() };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const t: TestDatabase = await createTestDatabase('storage', { migrated: true });
      const db = await openDatabase({ databaseUrl: t.url, dataDir: 'unused' });
      return {
        storage: storageOf(db),
        done: async () => {
          await db.close();
          await t.drop();
        },
      };
    },
  },
];

/** A second document, declared for these tests only (the product declares `main` alone so far). */
const SCRATCH: DocumentDeclaration = { name: 'scratch', roots: [NOTES_ROOT] };
const DOCUMENTS = [MAIN_DOCUMENT, SCRATCH];

function storageOf(db: Database): DocStorage {
  return createDrizzleStorage(db.db, { appendUpdates: db.appendUpdates });
}

describe.each(engines)('storage contract on $name', ({ open }) => {
  let storage: DocStorage;
  let done: () => Promise<void>;

  beforeAll(async () => {
    ({ storage, done } = await open());
  });
  afterAll(() => done());

  it('creates, lists, renames and soft-deletes configurations', async () => {
    const a = await storage.createConfig({ name: 'Alpha' });
    const b = await storage.createConfig({ name: 'Beta' });
    expect((await storage.getConfig(a.id))?.name).toBe('Alpha');
    expect((await storage.listConfigs()).map((c) => c.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await storage.renameConfig(a.id, 'Alpha 2'))?.name).toBe('Alpha 2');
    expect(await storage.deleteConfig(b.id)).toBe(true);
    expect(await storage.getConfig(b.id)).toBeNull();
    expect((await storage.listConfigs()).map((c) => c.id)).not.toContain(b.id);
    expect(await storage.deleteConfig(b.id)).toBe(false);
  });

  it('answers null for ids that are not UUIDs instead of failing', async () => {
    expect(await storage.getConfig('../../etc/passwd')).toBeNull();
    expect(await storage.renameConfig('nope', 'x')).toBeNull();
  });

  it('stores the initial state as a snapshot and appends updates in one batch', async () => {
    const init = new Y.Doc();
    init.getMap('config').set('board', 'rock-5b');
    const cfg = await storage.createConfig({ name: 'c', initialState: Y.encodeStateAsUpdate(init) });
    const updates = makeUpdates(10, 'k');
    await storage.appendUpdates(updates.map((update) => ({ doc: mainDoc(cfg.id), update })));
    const stored = await storage.loadDoc(mainDoc(cfg.id));
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toHaveLength(10);
    const doc = docFrom(stored);
    expect(doc.getMap('config').get('board')).toBe('rock-5b');
    expect(doc.getMap('config').get('k9')).toBe(9);
    expect(await storage.tailSize(mainDoc(cfg.id))).toMatchObject({ count: 10 });
  });

  it('loads a config\'s document in one statement, and null for unknown or deleted configs', async () => {
    const cfg = await storage.createConfig({ name: 'one-shot', initialState: Y.encodeStateAsUpdate(new Y.Doc()) });
    const updates = makeUpdates(4, 'o');
    await storage.appendUpdates(updates.map((update) => ({ doc: mainDoc(cfg.id), update })));
    const one = await storage.loadConfigDoc(mainDoc(cfg.id));
    const classic = await storage.loadDoc(mainDoc(cfg.id));
    expect(one).not.toBeNull();
    expect(one!.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(classic.updates.map((u) => Buffer.from(u).toString('hex')));
    expect(Buffer.from(one!.snapshot!).equals(Buffer.from(classic.snapshot!))).toBe(true);
    expect(docFrom(one!).getMap('config').get('o3')).toBe(3);
    const empty = await storage.createConfig({ name: 'empty' });
    expect(await storage.loadConfigDoc(mainDoc(empty.id))).toMatchObject({ snapshot: null, updates: [] });
    expect(await storage.loadConfigDoc(mainDoc('00000000-0000-4000-8000-000000000000'))).toBeNull();
    await storage.deleteConfig(cfg.id);
    expect(await storage.loadConfigDoc(mainDoc(cfg.id))).toBeNull();
  });

  it('loads many documents at once exactly as it loads each alone', async () => {
    const full = await storage.createConfig({ name: 'batch-full', initialState: Y.encodeStateAsUpdate(new Y.Doc()) });
    await storage.appendUpdates(makeUpdates(3, 'f').map((update) => ({ doc: mainDoc(full.id), update })));
    await storage.compact(mainDoc(full.id), mergeStored);
    await storage.appendUpdates(makeUpdates(2, 'g').map((update) => ({ doc: mainDoc(full.id), update })));
    const scratch = docKey(full.id, SCRATCH.name, DOCUMENTS)!;
    await storage.appendUpdates(makeUpdates(2, 's').map((update) => ({ doc: scratch, update })));
    const empty = await storage.createConfig({ name: 'batch-empty' });
    const gone = await storage.createConfig({ name: 'batch-gone' });
    await storage.deleteConfig(gone.id);
    const keys = [mainDoc(full.id), scratch, mainDoc(empty.id), mainDoc(gone.id), mainDoc('00000000-0000-4000-8000-000000000000'), mainDoc('not-a-uuid')];

    const together = await storage.loadConfigDocs!(keys);
    for (const key of keys) {
      const alone = await storage.loadConfigDoc(key);
      const got = together.get(key.id);
      expect(got === null, key.id).toBe(alone === null);
      if (!alone || !got) continue;
      expect(got.snapshot && Buffer.from(got.snapshot).toString('hex')).toEqual(alone.snapshot && Buffer.from(alone.snapshot).toString('hex'));
      expect(got.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(alone.updates.map((u) => Buffer.from(u).toString('hex')));
      expect(got.updateIds).toEqual(alone.updateIds);
      expect(got.snapshotVersion).toBe(alone.snapshotVersion);
    }
    expect(docFrom(together.get(mainDoc(full.id).id)!).getMap('config').get('g1')).toBe(1);
    expect(together.get(mainDoc(gone.id).id)).toBeNull();
  });

  it('a batch spanning several configs is all-or-nothing', async () => {
    const a = await storage.createConfig({ name: 'a' });
    const updates = makeUpdates(3, 'x');
    // The second entry names a config that does not exist: the foreign key fails the transaction.
    await expect(
      storage.appendUpdates([
        { doc: mainDoc(a.id), update: updates[0] },
        { doc: mainDoc('00000000-0000-4000-8000-000000000000'), update: updates[1] },
      ]),
    ).rejects.toThrow();
    expect((await storage.loadDoc(mainDoc(a.id))).updates).toHaveLength(0);
  });

  it('compaction folds the log into the snapshot: load = snapshot + tail, nothing lost', async () => {
    const cfg = await storage.createConfig({ name: 'compact' });
    const first = makeUpdates(50, 'a');
    await storage.appendUpdates(first.map((update) => ({ doc: mainDoc(cfg.id), update })));
    const result = await storage.compact(mainDoc(cfg.id), mergeStored);
    expect(result.folded).toBe(50);
    const second = makeUpdates(5, 'b');
    await storage.appendUpdates(second.map((update) => ({ doc: mainDoc(cfg.id), update })));
    const stored = await storage.loadDoc(mainDoc(cfg.id));
    expect(stored.updates).toHaveLength(5);
    const map = docFrom(stored).getMap('config');
    expect(map.get('a49')).toBe(49);
    expect(map.get('b4')).toBe(4);
    expect(map.size).toBe(55);
  });

  it('an interrupted compaction changes nothing', async () => {
    const cfg = await storage.createConfig({ name: 'interrupted' });
    const updates = makeUpdates(20, 'z');
    await storage.appendUpdates(updates.map((update) => ({ doc: mainDoc(cfg.id), update })));
    // The merge dies half-way (as a crash would): the transaction must roll back whole.
    await expect(
      storage.compact(mainDoc(cfg.id), () => {
        throw new Error('crash during compaction');
      }),
    ).rejects.toThrow('crash during compaction');
    const stored = await storage.loadDoc(mainDoc(cfg.id));
    expect(stored.snapshot).toBeNull();
    expect(stored.updates).toHaveLength(20);
    expect(docFrom(stored).getMap('config').size).toBe(20);
  });

  it('updates committed while a compaction runs are kept', async () => {
    const cfg = await storage.createConfig({ name: 'race' });
    const early = makeUpdates(10, 'e');
    await storage.appendUpdates(early.map((update) => ({ doc: mainDoc(cfg.id), update })));
    const late = makeUpdates(3, 'l');
    let appended: Promise<number[]> | null = null;
    await storage.compact(mainDoc(cfg.id), (stored) => {
      // Another writer appends while the merge runs; the compaction must not delete its rows.
      appended = storage.appendUpdates(late.map((update) => ({ doc: mainDoc(cfg.id), update })));
      return mergeStored(stored);
    });
    await appended;
    const map = docFrom(await storage.loadDoc(mainDoc(cfg.id))).getMap('config');
    expect(map.get('e9')).toBe(9);
    expect(map.get('l2')).toBe(2);
  });

  it('reads each room\'s unknown rows after its floor, and the snapshot only once it changed', async () => {
    const a = await storage.createConfig({ name: 'tail-a' });
    const b = await storage.createConfig({ name: 'tail-b' });
    const loaded = (await storage.loadConfigDoc(mainDoc(a.id)))!;
    expect(loaded.snapshotVersion).toBe(0);
    const upA = makeUpdates(4, 'a');
    const idsA = await storage.appendUpdates(upA.map((update) => ({ doc: mainDoc(a.id), update })));
    const idsB = await storage.appendUpdates(makeUpdates(2, 'b').map((update) => ({ doc: mainDoc(b.id), update })));
    expect(idsA).toHaveLength(4);
    expect([...idsA].sort((x, y) => x - y)).toEqual(idsA);
    expect((await storage.loadConfigDoc(mainDoc(a.id)))!.updateIds).toEqual(idsA);

    // Room a knows its first two rows, room b nothing: each gets exactly what it lacks, in one read.
    const tails = await storage.readTails([
      { doc: mainDoc(a.id), after: 0, known: idsA.slice(0, 2), snapshotVersion: 0 },
      { doc: mainDoc(b.id), after: 0, known: [], snapshotVersion: 0 },
    ]);
    expect(tails.get(a.id)!.updates.map((u) => u.id)).toEqual(idsA.slice(2));
    expect([...tails.get(a.id)!.updates[0].update]).toEqual([...upA[2]]);
    expect(tails.get(a.id)!.snapshot).toBeUndefined();
    expect(tails.get(b.id)!.updates.map((u) => u.id)).toEqual(idsB);
    // Nothing new past the floor: nothing at all.
    expect((await storage.readTails([{ doc: mainDoc(a.id), after: idsA[3], known: [], snapshotVersion: 0 }])).has(a.id)).toBe(false);

    // A compaction folds the rows: a room on the old snapshot version gets the new snapshot.
    await storage.compact(mainDoc(a.id), mergeStored);
    const after = await storage.readTails([{ doc: mainDoc(a.id), after: idsA[3], known: [], snapshotVersion: 0 }]);
    const snap = after.get(a.id)!.snapshot!;
    expect(snap.version).toBe(4);
    expect(docFrom({ snapshot: snap.state, updates: [] }).getMap('config').get('a3')).toBe(3);
    expect((await storage.readTails([{ doc: mainDoc(a.id), after: idsA[3], known: [], snapshotVersion: 4 }])).has(a.id)).toBe(false);
  });
  it('keeps each document of a configuration apart: its own log, snapshot, tail and compaction', async () => {
    const init = new Y.Doc();
    init.getMap('config').set('board', 'rock-5b');
    const cfg = await storage.createConfig({ name: 'two documents', initialState: Y.encodeStateAsUpdate(init) });
    const main = mainDoc(cfg.id);
    const scratch = docKey(cfg.id, 'scratch', DOCUMENTS)!;
    // A document nothing was written to yet loads empty (its configuration exists).
    expect(await storage.loadConfigDoc(scratch)).toMatchObject({ snapshot: null, updates: [], snapshotVersion: 0 });

    const m = makeUpdates(3, 'm');
    const sc = makeUpdates(4, 's');
    // One batch, both documents interleaved: the commit path's shape.
    const ids = await storage.appendUpdates([
      { doc: main, update: m[0] },
      { doc: scratch, update: sc[0] },
      { doc: scratch, update: sc[1] },
      { doc: main, update: m[1] },
      { doc: scratch, update: sc[2] },
      { doc: main, update: m[2] },
      { doc: scratch, update: sc[3] },
    ]);
    const mainIds = [ids[0], ids[3], ids[5]];
    const scratchIds = [ids[1], ids[2], ids[4], ids[6]];

    const loadedMain = (await storage.loadConfigDoc(main))!;
    expect(loadedMain.updateIds).toEqual(mainIds);
    expect(docFrom(loadedMain).getMap('config').toJSON()).toEqual({ board: 'rock-5b', m0: 0, m1: 1, m2: 2 });
    const loadedScratch = (await storage.loadConfigDoc(scratch))!;
    expect(loadedScratch.snapshot).toBeNull();
    expect(loadedScratch.updateIds).toEqual(scratchIds);
    expect(docFrom(await storage.loadDoc(scratch)).getMap('config').toJSON()).toEqual({ s0: 0, s1: 1, s2: 2, s3: 3 });
    expect(await storage.tailSize(main)).toMatchObject({ count: 3 });
    expect(await storage.tailSize(scratch)).toMatchObject({ count: 4 });

    // One catch-up read for both rooms: each gets its own rows, under its own key.
    const tails = await storage.readTails([
      { doc: main, after: 0, known: [], snapshotVersion: 0 },
      { doc: scratch, after: 0, known: scratchIds.slice(0, 1), snapshotVersion: 0 },
    ]);
    expect(tails.get(main.id)!.updates.map((u) => u.id)).toEqual(mainIds);
    expect(tails.get(scratch.id)!.updates.map((u) => u.id)).toEqual(scratchIds.slice(1));
    expect(tails.get(scratch.id)!.snapshot).toBeUndefined();

    // Compacting one document folds its rows only.
    expect((await storage.compact(scratch, mergeStored)).folded).toBe(4);
    expect(await storage.tailSize(scratch)).toMatchObject({ count: 0 });
    expect(await storage.tailSize(main)).toMatchObject({ count: 3 });
    const afterCompaction = await storage.readTails([
      { doc: main, after: ids[6], known: [], snapshotVersion: 0 },
      { doc: scratch, after: ids[6], known: [], snapshotVersion: 0 },
    ]);
    expect(afterCompaction.has(main.id)).toBe(false);
    expect(afterCompaction.get(scratch.id)!.snapshot!.version).toBe(4);
    expect(docFrom((await storage.loadConfigDoc(main))!).getMap('config').get('m2')).toBe(2);
    expect(docFrom((await storage.loadConfigDoc(scratch))!).getMap('config').get('s3')).toBe(3);
    // Deleting the configuration hides every document of it.
    await storage.deleteConfig(cfg.id);
    expect(await storage.loadConfigDoc(scratch)).toBeNull();
  });
});
