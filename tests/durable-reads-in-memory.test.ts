/**
 * A room's durable reads (docs/architecture.md, "Durability"; server/sync/durable-state.ts) on the
 * unit tier's doubles: what a REST read, build or version would get. The committed state is kept
 * as update bytes and read from the live document when nothing is unsaved, so these pin down what
 * must not change with that: a read never shows an edit before its commit, peers' commits count
 * while one's own edit waits (also past a fold of the remembered updates), and a feature reading
 * while a client's change is being applied does not see it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DocStorage } from '../server/storage/types.ts';
import { FOLD_WITHOUT_QUIET_AFTER } from '../server/sync/durable-state.ts';
import { GroupCommitter } from '../server/sync/group-committer.ts';
import type { RoomBus } from '../server/sync/room-bus.ts';
import type { Room, RoomHookCalls } from '../server/sync/room.ts';
import { NO_ROOM_HOOKS } from '../server/sync/room-contract.ts';
import { RoomManager } from '../server/sync/room-manager.ts';
import { createMemoryBusNetwork } from './doubles/memory-bus.ts';
import { createMemoryStorage } from './doubles/memory-storage.ts';
import { joinRoom, memberPrincipal } from './doubles/socket-pair.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** Storage whose commits wait while the gate is closed (what a slow Postgres INSERT does). */
function gated(storage: DocStorage) {
  let open = true;
  let waiting: Array<() => void> = [];
  const gate = {
    close() {
      open = false;
    },
    open() {
      open = true;
      for (const go of waiting.splice(0)) go();
    },
  };
  const through: DocStorage = Object.create(storage) as DocStorage;
  through.appendUpdates = async (batch) => {
    if (!open) await new Promise<void>((resolve) => waiting.push(resolve));
    return storage.appendUpdates(batch);
  };
  return { storage: through, gate };
}

const managers: RoomManager[] = [];
function serverProcess(storage: DocStorage, options: { bus?: RoomBus; hooks?: Partial<RoomHookCalls> } = {}): RoomManager {
  const logger = testLogger();
  const hooks = options.hooks ? { ...NO_ROOM_HOOKS, ...options.hooks } : undefined;
  const manager = new RoomManager({ storage, committer: new GroupCommitter({ storage, logger }), logger, bus: options.bus, hooks, catchUpIntervalMs: 50 });
  managers.push(manager);
  return manager;
}

afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.closeAll({ code: 1001, reason: 'test over' }, 1_000);
});

const config = (room: Room) => room.readDurable().configJson;

describe('durable reads of a loaded room', () => {
  it('show an edit only once it is committed, and the same state from its Yjs bytes', async () => {
    const { storage, gate } = gated(createMemoryStorage());
    const { id } = await storage.createConfig({ name: 'held commit' });
    const manager = serverProcess(storage);
    const alice = await joinRoom(manager, id, memberPrincipal('editor', 'alice'));
    await alice.synced();
    alice.doc.getMap('config').set('BOARD', 'rock-5b');
    await eventually(() => expect(config(alice.room)).toEqual({ BOARD: 'rock-5b' }));

    gate.close();
    alice.doc.getMap('config').set('BOARD', 'orangepi5');
    await eventually(() => expect(alice.room.unsaved).toBeGreaterThan(0));
    const before = alice.room.readDurable();
    expect(before.configJson).toEqual({ BOARD: 'rock-5b' });
    const rebuilt = new Y.Doc();
    Y.applyUpdate(rebuilt, before.yjsState);
    expect(rebuilt.getMap('config').toJSON()).toEqual({ BOARD: 'rock-5b' });

    const frozen = alice.room.freeze();
    gate.open();
    expect((await frozen).configJson).toEqual({ BOARD: 'orangepi5' });
    expect(config(alice.room)).toEqual({ BOARD: 'orangepi5' });
  });

  it("take a peer's commits while an own edit waits, past a fold of the remembered updates", async () => {
    const shared = createMemoryStorage();
    const { storage: slowA, gate } = gated(shared);
    const network = createMemoryBusNetwork();
    const { id } = await shared.createConfig({ name: 'peer commits' });
    const a = serverProcess(slowA, { bus: network.join().roomBus });
    const b = serverProcess(shared, { bus: network.join().roomBus });
    const onA = await joinRoom(a, id, memberPrincipal('editor', 'alice'));
    const onB = await joinRoom(b, id, memberPrincipal('editor', 'bob'));
    await Promise.all([onA.synced(), onB.synced()]);

    gate.close();
    onA.doc.getMap('config').set('BOARD', 'typed on A, not saved yet');
    await eventually(() => expect(onA.room.unsaved).toBeGreaterThan(0));
    // More commits than are kept before a fold without a quiet moment (A's edit keeps the room
    // from ever being quiet), each its own update (its own transaction on B's client).
    const edits = FOLD_WITHOUT_QUIET_AFTER + 10;
    for (let n = 1; n <= edits; n++) onB.doc.getMap('config').set('BRANCH', `edit ${n}`);
    await eventually(() => expect(config(onA.room)).toEqual({ BRANCH: `edit ${edits}` }));

    gate.open();
    await onA.room.whenSaved();
    expect(config(onA.room)).toEqual({ BOARD: 'typed on A, not saved yet', BRANCH: `edit ${edits}` });
  });

  it("leave out a client's change while a feature's hook runs on it", async () => {
    const storage = createMemoryStorage();
    const { id } = await storage.createConfig({ name: 'hook reads' });
    // What the live document and a durable read hold while the hook runs on the client's change.
    const seen: Array<{ live: unknown; durable: unknown }> = [];
    const manager = serverProcess(storage, {
      hooks: { afterClientChange: (room: Room) => void seen.push({ live: room.doc.getMap('config').get('BOARD'), durable: config(room).BOARD }) },
    });
    const alice = await joinRoom(manager, id, memberPrincipal('editor', 'alice'));
    await alice.synced();
    alice.doc.getMap('config').set('BOARD', 'rock-5b');
    await eventually(() => expect(seen.map((s) => s.live)).toContain('rock-5b'));
    expect(seen.find((s) => s.live === 'rock-5b')?.durable).toBeUndefined();
    await alice.room.whenSaved();
    expect(config(alice.room)).toEqual({ BOARD: 'rock-5b' });
  });
});
