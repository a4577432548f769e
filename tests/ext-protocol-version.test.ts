/**
 * The extension protocol's version at the door: a page older than the oldest version the server
 * serves is closed with 4426 "reload the page" (final, so the stock provider does not retry), a
 * version that is not a number is malformed, a current one is served, and a stock y-websocket
 * client (no `ext`) still syncs and never gets an extension frame, not even a live event that
 * the extension clients of the same configuration get.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EXT_PROTOCOL_VERSION, MIN_EXT_PROTOCOL_VERSION, installExtHandlers } from '../shared/ext-messages.ts';
import { CloseCode, MessageType } from '../shared/protocol.ts';
import { shouldReconnect, describeClose } from '../client/session/close-reasons.ts';
import { authed } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

interface RawRun {
  close: Promise<{ code: number; reason: string }>;
  /** First byte (message type) of every frame received. */
  types: number[];
  opened: Promise<void>;
  socket: WebSocket;
}

function openRaw(server: { url: string; token: string }, configId: string, query: string): RawRun {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${configId}?token=${server.token}${query}`);
  socket.binaryType = 'nodebuffer';
  const types: number[] = [];
  socket.on('message', (data: Buffer) => types.push(data[0]));
  return {
    socket,
    types,
    opened: new Promise((resolve) => socket.once('open', () => resolve())),
    close: new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
  };
}

describe('extension protocol version', () => {
  const rig = useTestServer();
  const { server, clients } = rig;
  let strict: TestServer;
  beforeAll(async () => {
    // A server that has dropped version 1 pages, as after a change that is not additive.
    strict = await rig.startAnother({ minExtVersion: EXT_PROTOCOL_VERSION });
  });

  it('closes a page older than the oldest version served with 4426 and a reason to reload', async () => {
    const id = await createConfig(server);
    const tooOld = openRaw(server, id, `&ext=${MIN_EXT_PROTOCOL_VERSION - 1}`);
    expect(await tooOld.close).toEqual({ code: CloseCode.clientTooOld.code, reason: 'reload the page: the server was updated' });
    expect(tooOld.types).toEqual([]);

    const old = openRaw(strict, id, '&ext=1');
    expect(await old.close).toEqual({ code: 4426, reason: CloseCode.clientTooOld.reason });
    // The page says so once and does not reconnect in a loop.
    expect(shouldReconnect(4426)).toBe(false);
    expect(describeClose(4426, '')).toMatchObject({ title: 'Boardroom was updated', actions: ['reload'] });
  });

  it('serves the current version, on a server that refuses older ones too', async () => {
    const id = await createConfig(server);
    const current = openRaw(strict, id, `&ext=${EXT_PROTOCOL_VERSION}`);
    await current.opened;
    await eventually(() => expect(current.types).toContain(MessageType.sync));
    current.socket.close();
    expect((await current.close).code).not.toBe(CloseCode.clientTooOld.code);
  });

  it('refuses an ext that is not a version number as malformed', async () => {
    const id = await createConfig(server);
    for (const bad of ['abc', '', '1.5', '-1']) {
      const run = openRaw(server, id, `&ext=${encodeURIComponent(bad)}`);
      expect(await run.close).toEqual({ code: CloseCode.malformed.code, reason: 'ext must be the extension protocol version, a whole number' });
    }
  });

  it('a stock client syncs and gets no extension frame while an ext client gets the live event', async () => {
    const id = await createConfig(server);
    const stock = openRaw(server, id, '');
    await stock.opened;
    const writer = connectClient(server, id);
    const watcher = connectClient(server, id, { ext: String(EXT_PROTOCOL_VERSION) });
    clients.push(writer, watcher);
    const events: string[] = [];
    installExtHandlers(watcher.provider as never, (type, payload) => {
      if (type === MessageType.event) events.push((payload as { type: string }).type);
    });
    await Promise.all([synced(writer), synced(watcher)]);
    writer.doc.getMap('config').set('BOARD', 'orangepi5');
    const posted = await authed(server.url, server.token)(`/api/configs/${id}/comments`, {
      method: 'POST',
      body: JSON.stringify({ body: 'does the stock client see this?', anchor: { path: '/BOARD' } }),
    });
    expect(posted.status).toBe(201);
    await eventually(() => expect(events).toContain('comment'));
    // The stock client got the edit (sync frames after its own handshake) and nothing else.
    await eventually(() => expect(stock.types.filter((t) => t === MessageType.sync).length).toBeGreaterThan(1));
    stock.socket.close();
    await stock.close;
    expect(stock.types.filter((t) => t >= 100)).toEqual([]);
  });
});
