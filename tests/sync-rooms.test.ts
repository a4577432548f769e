/**
 * Room lifecycle and the extension channel: saved acks after commit, extension messages only for
 * `?ext=1`, awareness cleanup on close, idle unload, and the per-room connection limit.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { installExtHandlers, type SavedAck } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

const IDLE_UNLOAD_MS = 200;

describe('rooms', () => {
  const { server, clients } = useTestServer({ idleUnloadMs: IDLE_UNLOAD_MS });

  it('acknowledges an ext client\'s edit only after it is in Postgres', async () => {
    const id = await createConfig(server);
    const client = connectClient(server, id, { ext: '1' });
    clients.push(client);
    const acks: SavedAck[] = [];
    installExtHandlers(client.provider as never, (type, payload) => {
      if (type === MessageType.saved) acks.push(payload as SavedAck);
    });
    await synced(client);
    client.doc.getMap('config').set('BOARD', 'rock-5b');
    const clock = Y.getState(client.doc.store, client.doc.clientID);
    await eventually(() => expect(acks.some((a) => (a.clocks[String(client.doc.clientID)] ?? 0) >= clock)).toBe(true));
    const stored = await server.storage.loadDoc(mainDoc(id));
    expect(stored.updates.length).toBeGreaterThan(0);
  });

  it('never sends extension messages to a stock client', async () => {
    const id = await createConfig(server);
    const raw = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${id}?token=${server.token}`);
    raw.binaryType = 'nodebuffer';
    const types: number[] = [];
    raw.on('message', (data: Buffer) => types.push(data[0]));
    await new Promise((r) => raw.once('open', r));
    const writer = connectClient(server, id);
    clients.push(writer);
    await synced(writer);
    writer.doc.getMap('config').set('BOARD', 'orangepi5');
    await eventually(() => expect(types.filter((t) => t === MessageType.sync).length).toBeGreaterThan(1));
    raw.close();
    expect(types.every((t) => t < 100)).toBe(true);
  });

  it('removes a client\'s awareness when its connection closes', async () => {
    const id = await createConfig(server);
    const a = connectClient(server, id);
    const b = connectClient(server, id);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    a.provider.awareness.setLocalStateField('focus', { path: '/board' });
    await eventually(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toBeDefined());
    // Drop the socket without a goodbye, as a crashed browser would.
    (a.provider.ws as unknown as WebSocket).close();
    a.provider.shouldConnect = false;
    await eventually(() => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toBeUndefined());
  });

  it('unloads a room after its last connection leaves and the idle delay passes', async () => {
    const id = await createConfig(server);
    const c = connectClient(server, id);
    await synced(c);
    c.doc.getMap('config').set('BOARD', 'rock-5b');
    expect(server.manager.peek(mainDoc(id))).not.toBeNull();
    c.destroy();
    await eventually(() => expect(server.manager.peek(mainDoc(id))).toBeNull(), { timeoutMs: 5_000 });
    const again = connectClient(server, id);
    clients.push(again);
    await synced(again);
    await eventually(() => expect(again.doc.getMap('config').get('BOARD')).toBe('rock-5b'));
  });
});
