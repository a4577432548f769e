/**
 * Features under the one hook runner (docs/architecture.md, "Features"): a feature's bug stays
 * that feature's bug. An observer hook that throws is logged and counted while the client stays
 * connected and in sync and its edit is saved; a veto hook's refusal reaches a stock y-websocket
 * client with the close code the feature declared (final 4422, retryable 4522); an `onJoin` that
 * throws or rejects is no unhandled rejection; a feature's readiness is part of /health/ready;
 * features stop in reverse order, after every room flushed its edits.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../shared/protocol.ts';
import { readDurable } from '../server/config-doc.ts';
import type { Feature } from '../server/features/feature.ts';
import { refuse } from '../server/sync/room.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createConfig, startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

/** A logger that keeps every line, to see what a failing hook leaves for the operator. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

async function hookFailures(server: TestServer, feature: string, hook: string): Promise<number> {
  const { values } = await server.metrics.hookFailures.get();
  return values.find((v) => v.labels.feature === feature && v.labels.hook === hook)?.value ?? 0;
}

/** Close events the provider saw (code and reason), in order. */
function closesOf(client: TestClient): Array<{ code: number; reason: string }> {
  const closes: Array<{ code: number; reason: string }> = [];
  client.provider.on('connection-close', (event) => {
    if (event) closes.push({ code: event.code, reason: event.reason });
  });
  return closes;
}

describe('features under the hook runner', () => {
  let server: TestServer;
  const { logger, lines } = capturingLogger();
  const clients: TestClient[] = [];
  /** Configurations the `freeze` feature refuses changes to, and how. */
  const frozen = new Map<string, 'final' | 'retryable' | 'throws'>();
  /** Configurations whose joins the `greeter` feature fails on. */
  const failingJoins = new Set<string>();
  let flakyReady: Error | null = null;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startTestServer({
      logger,
      features: (): Feature[] => [
        {
          name: 'broken',
          roomHooks: {
            afterClientChange() {
              throw new Error('broken afterClientChange');
            },
            afterCommit: async () => {
              throw new Error('broken afterCommit');
            },
            afterTransaction() {
              throw new Error('broken afterTransaction');
            },
          },
        },
        {
          name: 'greeter',
          roomHooks: {
            onJoin(room) {
              if (failingJoins.has(room.configId)) throw new Error('greeter threw');
            },
          },
        },
        {
          name: 'late-greeter',
          roomHooks: {
            onJoin: async (room) => {
              await new Promise((resolve) => setImmediate(resolve));
              if (failingJoins.has(room.configId)) throw new Error('late greeter rejected');
            },
          },
        },
        {
          name: 'freeze',
          roomHooks: {
            beforeClientUpdate(room) {
              const how = frozen.get(room.configId);
              if (how === 'final') return refuse.final('configuration is frozen');
              if (how === 'retryable') return refuse.retryable('frozen for a moment');
              if (how === 'throws') throw new Error('freeze is buggy');
              return null;
            },
          },
        },
        {
          name: 'flaky',
          ready: async () => {
            if (flakyReady) throw flakyReady;
          },
        },
      ],
    });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server.cleanup();
    process.off('unhandledRejection', onUnhandled);
  });

  it('an observer hook that throws is logged with its feature; the client stays connected, in sync, and its edit is saved', async () => {
    const id = await createConfig(server);
    const a = connectClient(server, id);
    const b = connectClient(server, id);
    clients.push(a, b);
    const closes = closesOf(a);
    await Promise.all([synced(a), synced(b)]);

    a.doc.getMap('config').set('BOARD', 'rock-5b');
    a.doc.getMap('config').set('BRANCH', 'current');
    await eventually(() => expect([b.doc.getMap('config').get('BOARD'), b.doc.getMap('config').get('BRANCH')]).toEqual(['rock-5b', 'current']));
    await eventually(async () => expect((await readDurable(id, { storage: server.storage, manager: server.rooms })).configJson).toMatchObject({ BOARD: 'rock-5b', BRANCH: 'current' }));

    expect(closes).toEqual([]);
    expect(a.provider.wsconnected).toBe(true);
    for (const hook of ['afterClientChange', 'afterCommit', 'afterTransaction']) {
      await eventually(async () => expect(await hookFailures(server, 'broken', hook)).toBeGreaterThan(0));
      expect(lines.some((l) => l.msg === 'feature hook failed; the room goes on' && l.feature === 'broken' && l.hook === hook && l.configId === id)).toBe(true);
    }
  });

  it('a final veto closes a stock client with 4422 and the feature\'s reason; nobody receives or stores the change', async () => {
    const id = await createConfig(server);
    const watcher = connectClient(server, id);
    const writer = connectClient(server, id);
    clients.push(watcher, writer);
    await Promise.all([synced(watcher), synced(writer)]);
    const closes = closesOf(writer);
    frozen.set(id, 'final');

    writer.doc.getMap('config').set('BOARD', 'orangepi5');
    await eventually(() => expect(closes[0]).toEqual({ code: CloseCode.changeRefused.code, reason: 'freeze: configuration is frozen' }));
    // The stock provider's own rule: 44xx is final, it does not reconnect.
    expect(writer.provider.shouldConnect || writer.provider.wsconnected).toBe(false);
    expect(watcher.doc.getMap('config').get('BOARD')).toBeUndefined();
    expect((await readDurable(id, { storage: server.storage, manager: server.rooms })).configJson.BOARD).toBeUndefined();
  });

  it('a retryable veto closes with 4522; the provider reconnects and its edit lands once the feature lets it', async () => {
    const id = await createConfig(server);
    const writer = connectClient(server, id);
    clients.push(writer);
    await synced(writer);
    const closes = closesOf(writer);
    frozen.set(id, 'retryable');

    writer.doc.getMap('config').set('BOARD', 'nanopi-r5s');
    await eventually(() => expect(closes[0]).toEqual({ code: CloseCode.changeRefusedForNow.code, reason: 'freeze: frozen for a moment' }));
    expect((await readDurable(id, { storage: server.storage, manager: server.rooms })).configJson.BOARD).toBeUndefined();

    frozen.delete(id);
    await eventually(async () => expect((await readDurable(id, { storage: server.storage, manager: server.rooms })).configJson.BOARD).toBe('nanopi-r5s'), { timeoutMs: 15_000 });
  });

  it('a veto hook that throws refuses retryably (never "malformed") and is counted', async () => {
    const id = await createConfig(server);
    const writer = connectClient(server, id);
    clients.push(writer);
    await synced(writer);
    const closes = closesOf(writer);
    frozen.set(id, 'throws');

    writer.doc.getMap('config').set('BOARD', 'rock-5b');
    await eventually(() => expect(closes[0]?.code).toBe(CloseCode.changeRefusedForNow.code));
    expect(closes.some((c) => c.code === CloseCode.malformed.code)).toBe(false);
    expect(await hookFailures(server, 'freeze', 'beforeClientUpdate')).toBeGreaterThan(0);
    frozen.delete(id);
    await eventually(async () => expect((await readDurable(id, { storage: server.storage, manager: server.rooms })).configJson.BOARD).toBe('rock-5b'), { timeoutMs: 15_000 });
  });

  it('onJoin that throws or rejects is logged and counted, never an unhandled rejection; the client syncs', async () => {
    const id = await createConfig(server);
    failingJoins.add(id);
    const client = connectClient(server, id);
    clients.push(client);
    const closes = closesOf(client);
    await synced(client);
    await eventually(async () => {
      expect(await hookFailures(server, 'greeter', 'onJoin')).toBeGreaterThan(0);
      expect(await hookFailures(server, 'late-greeter', 'onJoin')).toBeGreaterThan(0);
    });
    client.doc.getMap('config').set('BOARD', 'orangepi5');
    await eventually(async () => expect((await readDurable(id, { storage: server.storage, manager: server.rooms })).configJson.BOARD).toBe('orangepi5'));
    expect(closes).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('/health/ready reports a feature\'s readiness under its name', async () => {
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ postgres: 'ok', flaky: 'ok' });

    flakyReady = new Error('upstream index unreachable');
    const unready = await fetch(`${server.url}/health/ready`);
    expect(unready.status).toBe(503);
    expect(await unready.json()).toMatchObject({ status: 'unavailable', checks: { postgres: 'ok', flaky: 'upstream index unreachable' } });
    flakyReady = null;
  });
});

describe('feature shutdown', () => {
  it('features stop in reverse declaration order, after the last edit is stored', async () => {
    const stops: Array<{ feature: string; board: unknown }> = [];
    let configId = '';
    const server = await startTestServer({
      features: (core): Feature[] =>
        ['first', 'second'].map((name) => ({
          name,
          async shutdown() {
            const { configJson } = await readDurable(configId, { storage: core.storage, manager: core.rooms });
            stops.push({ feature: name, board: configJson.BOARD });
          },
        })),
    });
    try {
      configId = await createConfig(server);
      const client = connectClient(server, configId);
      await synced(client);
      client.doc.getMap('config').set('BOARD', 'rock-5b');
      // The server has applied it; whether it is committed yet is up to the group committer.
      await eventually(() => expect(server.manager.peek(mainDoc(configId))?.doc.getMap('config').get('BOARD')).toBe('rock-5b'));
      await server.stop();
      client.destroy();
      expect(stops).toEqual([
        { feature: 'second', board: 'rock-5b' },
        { feature: 'first', board: 'rock-5b' },
      ]);
    } finally {
      await server.cleanup();
    }
  });
});
