/**
 * The room and the room manager on the unit tier's doubles (tests/doubles/): storage held to the
 * same contract as Postgres, Redis pub/sub between two "processes", and clients speaking the
 * y-websocket sync protocol over in-memory sockets. What the integration tests show on the real
 * services (sync-rooms, cluster-convergence, room-catch-up), here in milliseconds: edits reach
 * the other clients and storage, a viewer's edit goes nowhere, edits cross processes on the bus,
 * and what the bus lost during an outage is read back from storage when it returns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DocStorage } from '../server/storage/types.ts';
import { docFromStored } from '../server/storage/stored-doc.ts';
import { GroupCommitter } from '../server/sync/group-committer.ts';
import type { RoomBus } from '../server/sync/room-bus.ts';
import { RoomManager } from '../server/sync/room-manager.ts';
import { MessageType } from '../shared/protocol.ts';
import { createMemoryBusNetwork } from './doubles/memory-bus.ts';
import { createMemoryStorage } from './doubles/memory-storage.ts';
import { joinRoom, memberPrincipal } from './doubles/socket-pair.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

const managers: RoomManager[] = [];
function serverProcess(storage: DocStorage, bus?: RoomBus): RoomManager {
  const logger = testLogger();
  const manager = new RoomManager({ storage, committer: new GroupCommitter({ storage, logger }), logger, bus, catchUpIntervalMs: 50 });
  managers.push(manager);
  return manager;
}

afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.closeAll({ code: 1001, reason: 'test over' }, 1_000);
});

async function storedConfig(storage: DocStorage, id: string): Promise<Record<string, unknown>> {
  return docFromStored((await storage.loadConfigDoc(mainDoc(id)))!).getMap('config').toJSON();
}

describe('rooms on in-memory storage, bus and sockets', () => {
  it('an edit reaches the other client of the room and is stored', async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'one process' });
    const manager = serverProcess(storage);
    const alice = await joinRoom(manager, id, memberPrincipal('editor', 'alice'));
    const bob = await joinRoom(manager, id, memberPrincipal('editor', 'bob'));
    await Promise.all([alice.synced(), bob.synced()]);

    alice.doc.getMap('config').set('BOARD', 'rock-5b');
    await eventually(() => expect(bob.doc.getMap('config').get('BOARD')).toBe('rock-5b'));
    await alice.room.whenSaved();
    expect(await storedConfig(storage, id)).toEqual({ BOARD: 'rock-5b' });
  });

  it('a late joiner receives the document as it is', async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'late joiner' });
    const manager = serverProcess(storage);
    const alice = await joinRoom(manager, id, memberPrincipal('editor', 'alice'));
    await alice.synced();
    alice.doc.getMap('config').set('RELEASE', 'bookworm');
    await eventually(() => expect(alice.room.readDurable().configJson).toMatchObject({ RELEASE: 'bookworm' }));

    const carol = await joinRoom(manager, id, memberPrincipal('viewer', 'carol'));
    await eventually(() => expect(carol.doc.getMap('config').get('RELEASE')).toBe('bookworm'));
  });

  it("a viewer's edit is refused: told once that it is read-only, nothing reaches others or storage", async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'viewer' });
    const manager = serverProcess(storage);
    const viewer = await joinRoom(manager, id, memberPrincipal('viewer', 'vera'));
    const editor = await joinRoom(manager, id, memberPrincipal('editor', 'eddie'));
    await Promise.all([viewer.synced(), editor.synced()]);

    viewer.doc.getMap('config').set('BOARD', 'not yours');
    viewer.doc.getMap('config').set('BRANCH', 'nor this');
    await eventually(() => expect(viewer.received).toContain(MessageType.auth));
    expect(viewer.received.filter((type) => type === MessageType.auth)).toHaveLength(1);
    expect(viewer.closed).toBeNull();
    await viewer.synced();
    expect(editor.doc.getMap('config').toJSON()).toEqual({});
    expect(await storedConfig(storage, id)).toEqual({});
  });

  it('an edit on one process reaches a client of the other through the bus', async () => {
    const storage = createMemoryStorage();
    const network = createMemoryBusNetwork();
    const { id } = await storage.createConfig({ name: 'two processes' });
    const [a, b] = [serverProcess(storage, network.join().roomBus), serverProcess(storage, network.join().roomBus)];
    const onA = await joinRoom(a, id, memberPrincipal('editor', 'alice'));
    const onB = await joinRoom(b, id, memberPrincipal('editor', 'bob'));
    await Promise.all([onA.synced(), onB.synced()]);

    onA.doc.getMap('config').set('BOARD', 'orangepi5');
    await eventually(() => expect(onB.doc.getMap('config').get('BOARD')).toBe('orangepi5'));
    onB.doc.getMap('config').set('BRANCH', 'vendor');
    await eventually(() => expect(onA.doc.getMap('config').get('BRANCH')).toBe('vendor'));
  });

  it('what the bus lost during an outage is read back from storage once it returns', async () => {
    const storage = createMemoryStorage();
    const network = createMemoryBusNetwork();
    const { id } = await storage.createConfig({ name: 'outage' });
    const [a, b] = [serverProcess(storage, network.join().roomBus), serverProcess(storage, network.join().roomBus)];
    const onA = await joinRoom(a, id, memberPrincipal('editor', 'alice'));
    const onB = await joinRoom(b, id, memberPrincipal('editor', 'bob'));
    await Promise.all([onA.synced(), onB.synced()]);

    network.down();
    onA.doc.getMap('config').set('BOARD', 'edited during the outage');
    await eventually(() => expect(onA.room.readDurable().configJson).toMatchObject({ BOARD: 'edited during the outage' }));
    network.up();
    await eventually(() => expect(onB.doc.getMap('config').get('BOARD')).toBe('edited during the outage'));
    expect(await storedConfig(storage, id)).toEqual({ BOARD: 'edited during the outage' });
  });

  it('a room that cannot be loaded is not served as an empty document', async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'outage at load' });
    const manager = serverProcess(storage);
    storage.fail();
    await expect(manager.get(mainDoc(id))).rejects.toMatchObject({ code: 'load_failed' });
    expect(manager.peek(mainDoc(id))).toBeNull();
    storage.heal();
    expect((await manager.get(mainDoc(id))).configId).toBe(id);
    await expect(manager.get(mainDoc('00000000-0000-4000-8000-000000000000'))).rejects.toMatchObject({ code: 'not_found' });
  });
});
