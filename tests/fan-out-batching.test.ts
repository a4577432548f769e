/**
 * One frame per room per flush (docs/architecture.md, "Fan-out"): a burst of updates that reaches
 * the server in one read shares one commit, and the other clients get it as one update frame, not
 * one frame per update; the author gets none of it back, and still one "saved" per message.
 */
import type { Socket } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { decodeExt, type SavedAck } from '../shared/ext-messages.ts';
import { MessageType, SyncStep } from '../shared/protocol.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const BURST = 20;
const FROM_SERVER = 'server';

function syncFrame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  write(e);
  return encoding.toUint8Array(e);
}

/** A raw socket with a doc of its own: it syncs (sends sync step 1, applies the server's step 2),
 * records every frame, and applies the updates it receives. */
function rawClient(url: string) {
  const ws = new WebSocket(url);
  ws.binaryType = 'nodebuffer';
  const frames: Buffer[] = [];
  const doc = new Y.Doc();
  let resolveSynced!: () => void;
  const synced = new Promise<void>((resolve) => (resolveSynced = resolve));
  ws.on('message', (data: Buffer) => {
    frames.push(data);
    if (data[0] !== MessageType.sync || (data[1] !== SyncStep.update && data[1] !== SyncStep.step2)) return;
    const decoder = decoding.createDecoder(new Uint8Array(data));
    decoding.readVarUint(decoder); // the message type
    decoding.readVarUint(decoder); // the sync step
    Y.applyUpdate(doc, decoding.readVarUint8Array(decoder), FROM_SERVER);
    if (data[1] === SyncStep.step2) resolveSynced();
  });
  ws.once('open', () => ws.send(syncFrame((e) => syncProtocol.writeSyncStep1(e, doc))));
  const updateFrames = () => frames.filter((f) => f[0] === MessageType.sync && f[1] === SyncStep.update).length;
  return { ws, frames, doc, synced, updateFrames };
}

describe('fan-out batching', () => {
  const rig = useTestServer();

  it('sends a burst committed together as one frame to each other client, nothing back to its author', async () => {
    const { server } = rig;
    const id = await createConfig(server, { name: 'burst' });
    const base = `${server.url.replace('http', 'ws')}/sync/${id}?token=${server.token}`;
    const receiver = rawClient(base);
    const author = rawClient(`${base}&ext=1`);
    try {
      await Promise.all([receiver.synced, author.synced]);
      // The burst: BURST changes of one field, each its own message.
      const messages: Uint8Array[] = [];
      author.doc.on('update', (u: Uint8Array, origin: unknown) => {
        if (origin !== FROM_SERVER) messages.push(syncFrame((e) => syncProtocol.writeUpdate(e, u)));
      });
      for (let i = 0; i < BURST; i++) author.doc.getMap('config').set('description', `burst ${i}`);
      const before = receiver.updateFrames();
      // Sent as one write (a corked socket: otherwise the first frame leaves at once and the rest
      // in a later tick), so the server reads them all at once, in one turn. `ws` has no cork of
      // its own; its socket is the private `_socket`.
      const socket = (author.ws as unknown as { _socket: Socket })._socket;
      socket.cork();
      for (const m of messages) author.ws.send(m);
      socket.uncork();

      await eventually(() => expect(receiver.doc.getMap('config').get('description')).toBe(`burst ${BURST - 1}`));
      const acks = () => author.frames.filter((f) => f[0] === MessageType.saved).map((f) => decodeExt(new Uint8Array(f))?.payload as SavedAck);
      await eventually(() => expect(acks().at(-1)?.seq).toBe(BURST));
      expect(receiver.updateFrames() - before).toBe(1);
      expect(author.updateFrames()).toBe(0);
      expect(acks()).toHaveLength(BURST);
    } finally {
      receiver.ws.close();
      author.ws.close();
    }
  });
});
