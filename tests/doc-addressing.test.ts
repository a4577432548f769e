/**
 * A configuration's documents (docs/architecture.md, "Document layout"): keys and declared names,
 * and two documents of one configuration in one room manager on the unit tier's doubles, each its
 * own room, storage and bus channel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { docKey, isMainDoc, mainDoc } from '../server/storage/doc-key.ts';
import { docFromStored } from '../server/storage/stored-doc.ts';
import type { DocStorage } from '../server/storage/types.ts';
import { GroupCommitter } from '../server/sync/group-committer.ts';
import type { RoomBus } from '../server/sync/room-bus.ts';
import { RoomManager } from '../server/sync/room-manager.ts';
import { CONFIG_DOCUMENTS, DOC_LAYOUT, documentsProblem, MAIN_DOCUMENT, type DocumentDeclaration, type RootDeclaration } from '../shared/doc-layout.ts';
import { CloseCode, MessageType } from '../shared/protocol.ts';
import { createMemoryBusNetwork } from './doubles/memory-bus.ts';
import { createMemoryStorage } from './doubles/memory-storage.ts';
import { joinRoom, memberPrincipal } from './doubles/socket-pair.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** A plain map root for a second document, declared for tests only. */
const PAD_ROOT: RootDeclaration = { name: 'pad', kind: 'map', write: 'edit', checks: 'none', capture: 'none', buildInput: false, path: '#pad' };
const SCRATCH: DocumentDeclaration = { name: 'scratch', roots: [PAD_ROOT] };
const DOCUMENTS = [MAIN_DOCUMENT, SCRATCH];
const ID = '6f1c3a52-8d0e-4c47-9b1a-2f5e7d9c0a11';

describe('document keys and names', () => {
  it('the main document is keyed by the configuration id alone; others add their name', () => {
    expect(CONFIG_DOCUMENTS.map((d) => d.name)).toEqual(['main']);
    expect(MAIN_DOCUMENT.roots).toBe(DOC_LAYOUT);
    const main = mainDoc(ID);
    expect(main).toMatchObject({ configId: ID, docName: 'main', id: ID });
    expect(isMainDoc(main)).toBe(true);
    expect(docKey(ID, 'main')).toEqual(main);
    const scratch = docKey(ID, 'scratch', DOCUMENTS)!;
    expect(scratch).toMatchObject({ configId: ID, docName: 'scratch', id: `${ID}:scratch` });
    expect(isMainDoc(scratch)).toBe(false);
  });

  it('only a declared name makes a key: anything else from a URL stops here', () => {
    for (const name of ['scratch', 'nope', 'Main', '', "main'; drop table doc_updates; --", '../main', 'main:x', '*', undefined, 7]) {
      expect(docKey(ID, name)).toBeNull();
    }
    expect(docKey(ID, 'nope', DOCUMENTS)).toBeNull();
  });

  it('a list of documents must start with main and hold unique, well-formed names and sound layouts', () => {
    expect(documentsProblem(DOCUMENTS)).toBeUndefined();
    expect(documentsProblem([SCRATCH, MAIN_DOCUMENT])).toMatch(/first document/);
    expect(documentsProblem([MAIN_DOCUMENT, SCRATCH, SCRATCH])).toMatch(/twice/);
    expect(documentsProblem([MAIN_DOCUMENT, { name: 'Bad Name', roots: [] }])).toMatch(/lower-case/);
    expect(documentsProblem([MAIN_DOCUMENT, { name: 'x', roots: [PAD_ROOT, PAD_ROOT] }])).toMatch(/declared twice/);
    const logger = testLogger();
    const storage = createMemoryStorage();
    expect(() => new RoomManager({ storage, committer: new GroupCommitter({ storage, logger }), logger, documents: [SCRATCH] })).toThrow(/first document/);
  });
});

const managers: RoomManager[] = [];
function serverProcess(storage: DocStorage, bus?: RoomBus): RoomManager {
  const logger = testLogger();
  const manager = new RoomManager({ storage, committer: new GroupCommitter({ storage, logger }), logger, bus, catchUpIntervalMs: 50, documents: DOCUMENTS });
  managers.push(manager);
  return manager;
}

afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.closeAll({ code: 1001, reason: 'test over' }, 1_000);
});

describe('two documents of one configuration', () => {
  it('are two rooms: edits stay in their document, in its storage, and cross processes on its own channel', async () => {
    const storage = createMemoryStorage();
    const network = createMemoryBusNetwork();
    const { id } = await storage.createConfig({ name: 'two documents' });
    const [a, b] = [serverProcess(storage, network.join().roomBus), serverProcess(storage, network.join().roomBus)];
    const scratch = a.keyOf(id, 'scratch')!;
    const mainOnA = await joinRoom(a, id, memberPrincipal('editor', 'alice'));
    const scratchOnA = await joinRoom(a, scratch, memberPrincipal('editor', 'alice'));
    const mainOnB = await joinRoom(b, id, memberPrincipal('editor', 'bob'));
    const scratchOnB = await joinRoom(b, scratch, memberPrincipal('editor', 'bob'));
    await Promise.all([mainOnA, scratchOnA, mainOnB, scratchOnB].map((c) => c.synced()));
    expect(mainOnA.room).not.toBe(scratchOnA.room);
    expect(a.roomsOf(id)).toEqual([mainOnA.room, scratchOnA.room]);

    mainOnA.doc.getMap('config').set('BOARD', 'rock-5b');
    scratchOnB.doc.getMap('pad').set('line', 'only in scratch');
    await eventually(() => expect(mainOnB.doc.getMap('config').get('BOARD')).toBe('rock-5b'));
    await eventually(() => expect(scratchOnA.doc.getMap('pad').get('line')).toBe('only in scratch'));
    await Promise.all([mainOnA.room.whenSaved(), scratchOnB.room.whenSaved()]);

    for (const client of [mainOnA, mainOnB]) expect(client.doc.getMap('pad').size).toBe(0);
    for (const client of [scratchOnA, scratchOnB]) expect(client.doc.getMap('config').size).toBe(0);
    const storedMain = docFromStored((await storage.loadConfigDoc(mainDoc(id)))!);
    const storedScratch = docFromStored((await storage.loadConfigDoc(scratch))!);
    expect([storedMain.getMap('config').toJSON(), storedMain.getMap('pad').toJSON()]).toEqual([{ BOARD: 'rock-5b' }, {}]);
    expect([storedScratch.getMap('config').toJSON(), storedScratch.getMap('pad').toJSON()]).toEqual([{}, { line: 'only in scratch' }]);
    // REST reads mean the main document: its durable copy has no trace of the other.
    expect(mainOnA.room.readDurable().configJson).toEqual({ BOARD: 'rock-5b' });
  });

  it("a document's roots are its own: a root of another document is refused there", async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'layouts' });
    const manager = serverProcess(storage);
    const writer = await joinRoom(manager, manager.keyOf(id, 'scratch')!, memberPrincipal('editor', 'eve'));
    await writer.synced();
    writer.doc.getMap('config').set('BOARD', 'not here');
    await eventually(() => expect(writer.closed?.code).toBe(CloseCode.malformed.code));
    expect(docFromStored((await storage.loadConfigDoc(manager.keyOf(id, 'scratch')!))!).getMap('config').size).toBe(0);
  });

  it("access is the configuration's: a viewer of another document reads it and its edits are dropped", async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'viewer of scratch' });
    const manager = serverProcess(storage);
    const scratch = manager.keyOf(id, 'scratch')!;
    const editor = await joinRoom(manager, scratch, memberPrincipal('editor', 'eddie'));
    const viewer = await joinRoom(manager, scratch, memberPrincipal('viewer', 'vera'));
    await Promise.all([editor.synced(), viewer.synced()]);
    editor.doc.getMap('pad').set('line', 'from the editor');
    await eventually(() => expect(viewer.doc.getMap('pad').get('line')).toBe('from the editor'));
    viewer.doc.getMap('pad').set('line', 'from the viewer');
    await eventually(() => expect(viewer.received).toContain(MessageType.auth));
    await editor.room.whenSaved();
    expect(editor.doc.getMap('pad').get('line')).toBe('from the editor');
    expect(docFromStored((await storage.loadConfigDoc(scratch))!).getMap('pad').get('line')).toBe('from the editor');
  });

  it('an undeclared document is not loaded, and a missing configuration has no documents', async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'declared only' });
    const manager = serverProcess(storage);
    expect(manager.keyOf(id, 'files')).toBeNull();
    await expect(manager.get(manager.keyOf('00000000-0000-4000-8000-000000000000', 'scratch')!)).rejects.toMatchObject({ code: 'not_found' });
    // Declared by another process's list but not this one's: refused at load, never created.
    const elsewhere = docKey(id, 'other', [MAIN_DOCUMENT, { name: 'other', roots: [PAD_ROOT] }])!;
    await expect(manager.get(elsewhere)).rejects.toMatchObject({ code: 'not_found' });
    expect(manager.rooms.size).toBe(0);
  });
});
