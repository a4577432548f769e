/**
 * Random and mutated frames against the sync endpoint: the server stays up, well-behaved clients
 * are unaffected, and the stored document stays loadable.
 */
// Compared as canonical JSON: map key order depends on the order updates were integrated.
import { canonicalJson } from '../shared/canonical-json.ts';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CloseCode, Limits, MessageType } from '../shared/protocol.ts';
import { signUp } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { seededRandom } from './helpers/random.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { docFromStored } from '../server/storage/stored-doc.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

const FUZZ_CONNECTIONS = 60;
const FRAMES_PER_CONNECTION = 20;
const KNOWN_CLOSE_CODES = new Set<number>([1005, 1006, 1002, ...Object.values(CloseCode).map((c) => c.code)]);

/** A valid update message from a throwaway doc, to mutate. */
function validUpdateFrame(text: string): Uint8Array {
  const doc = new Y.Doc();
  let captured: Uint8Array = new Uint8Array();
  doc.on('update', (u: Uint8Array) => (captured = u));
  doc.getMap('config').set('description', text);
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeUpdate(e, captured);
  return encoding.toUint8Array(e);
}

function openRaw(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve(1006);
    ws.once('close', (code) => resolve(code));
  });
}

describe('sync endpoint under hostile input', () => {
  const rig = useTestServer();
  const { server, clients } = rig;

  it('survives random and mutated frames without harming others', async () => {
    const id = await createConfig(server, { name: 'fuzz' });
    // The fuzzer is a person of its own: its floods must not eat the honest clients' message budget.
    const fuzzer = await signUp(server.url, 'Fuzzer');
    await addMember(server, id, fuzzer, 'editor');
    const wsUrl = `${server.url.replace('http', 'ws')}/sync/${id}?token=${fuzzer.token}`;
    const a = connectClient(server, id);
    const b = connectClient(server, id);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);

    const rnd = seededRandom('sync-fuzz');
    const base = validUpdateFrame('fuzz base');
    const codes: number[] = [];
    for (let i = 0; i < FUZZ_CONNECTIONS; i++) {
      const ws = await openRaw(wsUrl);
      const done = closed(ws);
      for (let f = 0; f < FRAMES_PER_CONNECTION && ws.readyState === WebSocket.OPEN; f++) {
        let frame: Uint8Array;
        const kind = rnd.int(4);
        if (kind === 0) {
          frame = Uint8Array.from({ length: 1 + rnd.int(64) }, () => rnd.int(256));
        } else if (kind === 1) {
          frame = Uint8Array.from(base);
          for (let k = 0; k < 1 + rnd.int(4); k++) frame[rnd.int(frame.length)] = rnd.int(256);
        } else if (kind === 2) {
          frame = base.slice(0, rnd.int(base.length));
        } else {
          frame = Uint8Array.from(base);
          frame[0] = rnd.int(256);
        }
        ws.send(frame);
      }
      // A clean goodbye if the server kept it open; either way it must end with a known code.
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      codes.push(await done);
      // Meanwhile the honest clients keep working.
      if (i % 10 === 0) {
        a.doc.getMap('config').set('VENDOR', `round ${i}`);
        await eventually(() => expect(String(b.doc.getMap('config').get('VENDOR'))).toBe(`round ${i}`));
      }
    }
    for (const code of codes) expect(KNOWN_CLOSE_CODES.has(code) || code === 1000).toBe(true);
    expect(codes.some((c) => c === CloseCode.malformed.code)).toBe(true);

    // Oversized frame: closed with "message too large", nothing else touched.
    const big = await openRaw(wsUrl);
    const bigClosed = closed(big);
    big.send(new Uint8Array(Limits.maxMessageBytes + 10));
    expect(await bigClosed).toBe(CloseCode.messageTooLarge.code);

    // Text frame: not our protocol.
    const text = await openRaw(wsUrl);
    const textClosed = closed(text);
    text.send('hello');
    expect(await textClosed).toBe(CloseCode.malformed.code);

    // A well-formed update that writes to a root type the layout does not have is refused whole.
    const rogue = new Y.Doc();
    let rogueUpdate: Uint8Array = new Uint8Array();
    rogue.on('update', (u: Uint8Array) => (rogueUpdate = u));
    rogue.getMap('sneaky').set('x', 1);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeUpdate(e, rogueUpdate);
    const rogueWs = await openRaw(wsUrl);
    const rogueClosed = closed(rogueWs);
    rogueWs.send(encoding.toUint8Array(e));
    expect(await rogueClosed).toBe(CloseCode.malformed.code);

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    a.doc.getMap('config').set('VENDOR', 'still fine');
    await eventually(() => expect(String(b.doc.getMap('config').get('VENDOR'))).toBe('still fine'));

    // Stored state loads after a restart and matches what the clients have.
    const expected = canonicalJson(a.doc.getMap('config').toJSON());
    for (const c of clients) c.destroy();
    clients.length = 0;
    await rig.restart();
    const stored = await server.storage.loadDoc(mainDoc(id));
    const doc = docFromStored(stored);
    expect(doc.share.has('sneaky')).toBe(false);
    const after = connectClient(server, id);
    clients.push(after);
    await synced(after);
    expect(canonicalJson(after.doc.getMap('config').toJSON())).toBe(expected);
  });

  it('answers an unknown configuration with a close code, not an empty document', async () => {
    const ws = await openRaw(`${server.url.replace('http', 'ws')}/sync/00000000-0000-4000-8000-000000000000?token=${server.token}`);
    expect(await closed(ws)).toBe(CloseCode.notFound.code);
    const bad = await openRaw(`${server.url.replace('http', 'ws')}/sync/not-a-uuid?token=${server.token}`);
    expect(await closed(bad)).toBe(CloseCode.notFound.code);
  });
});
