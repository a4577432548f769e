/**
 * Two server processes that heal themselves: whatever the Redis bus loses (one process's link cut
 * while the other keeps it, Redis stopped during bursts), every process ends equal to what Postgres
 * holds within the 2 s bound, nothing acknowledged is lost, and the bus outage is logged once,
 * not once per update. Rooms open and builds answer while Redis is down.
 *
 * Timing assertions allow CONVERGE_ASSERT_MS (the promise is 2 s; the machine running the suite
 * may be busy): `npm run bench:chaos` measures the real figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { installExtHandlers, type SavedAck } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { VALID_CONFIG } from './builder-harness.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { startClusterPair, type ClusterPair } from './helpers/cluster-pair.ts';
import { convergedWithStorage } from './helpers/convergence.ts';
import { createConfig, scrapeMetrics } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

/** The 2 s promise plus room for a busy CI machine. */
const CONVERGE_ASSERT_MS = 5_000;

const script = (doc: Y.Doc) => doc.getMap('config').get('customizeScript') as Y.Text;
const lines = (doc: Y.Doc) => script(doc).toString().split('\n').filter(Boolean);

describe('cluster convergence', () => {
  let pair: ClusterPair;
  const clients: TestClient[] = [];
  const open = (server: { url: string }, id: string, params: Record<string, string> = {}) => {
    const c = connectClient({ url: server.url, token: pair.owner.token }, id, params);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    pair = await startClusterPair({ captureLogs: true });
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await pair?.cleanup();
  });

  it('a process whose publications fail (its peer never lost Redis) is caught up by the peer from Postgres', async () => {
    const { a, b } = pair;
    const id = await createConfig({ url: a.url, token: pair.owner.token }, { name: 'publisher-cut', data: { customizeScript: '' } });
    const writer = open(a, id);
    const watcher = open(b, id);
    await Promise.all([synced(writer), synced(watcher)]);

    // A's link to Redis is cut; B's is not, so B sees no outage of its own to recover from.
    a.proxy.cut();
    try {
      for (let i = 0; i < 30; i++) script(writer.doc).insert(script(writer.doc).length, `while-cut-${i}\n`);
      await eventually(async () => expect(lines(await pair.reader.load(id))).toHaveLength(30));
      await convergedWithStorage(pair.reader, id, () => [b.manager.peek(mainDoc(id))?.doc, watcher.doc], CONVERGE_ASSERT_MS);
      expect(lines(watcher.doc)).toHaveLength(30);
    } finally {
      a.proxy.restore();
    }

    // Back online, the writer goes on with the same paragraph: B shows it all (nothing parked).
    for (let i = 0; i < 10; i++) script(writer.doc).insert(script(writer.doc).length, `after-${i}\n`);
    await eventually(async () => expect(lines(await pair.reader.load(id))).toHaveLength(40));
    await convergedWithStorage(pair.reader, id, () => [a.manager.peek(mainDoc(id))?.doc, b.manager.peek(mainDoc(id))?.doc, watcher.doc], CONVERGE_ASSERT_MS);
    expect(lines(watcher.doc)).toHaveLength(40);
    const metrics = await (await scrapeMetrics(b.url)).text();
    expect(metrics).toMatch(/boardroom_catchups_total\{reason="[a-z]+"\} [1-9]/);
    expect(await (await scrapeMetrics(a.url)).text()).toMatch(/boardroom_bus_publish_failures_total [1-9]/);
  });

  it('Redis stopped during bursts on both processes: both equal Postgres soon after it is back, nothing acknowledged lost, one log line per state change', async () => {
    const { a, b, redis } = pair;
    const id = await createConfig({ url: a.url, token: pair.owner.token }, { name: 'flap', data: { customizeScript: '' } });
    const writers = [open(a, id, { ext: '1' }), open(b, id, { ext: '1' })];
    const acked = [0, 0];
    writers.forEach((w, i) =>
      installExtHandlers(w.provider as never, (type, payload) => {
        if (type === MessageType.saved) acked[i] = Math.max(acked[i], (payload as SavedAck).seq);
      }),
    );
    await Promise.all(writers.map((w) => synced(w)));
    const warningsBefore = a.warnings.length + b.warnings.length;

    let typed = 0;
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) {
        writers.forEach((w, who) => script(w.doc).insert(script(w.doc).length, `w${who}-${typed}\n`));
        typed += 1;
        if (i % 5 === 4) await new Promise((r) => setTimeout(r, 10));
      }
    };
    await burst(20);
    await redis.stop();
    await burst(60);
    await new Promise((r) => setTimeout(r, 2_000));
    await burst(20);
    await redis.start();
    await burst(20);

    await convergedWithStorage(pair.reader, id, () => [a.manager.peek(mainDoc(id))?.doc, b.manager.peek(mainDoc(id))?.doc, ...writers.map((w) => w.doc)], CONVERGE_ASSERT_MS);
    // Every line typed (and, once saved, acknowledged) is in Postgres.
    const stored = await pair.reader.load(id);
    expect(lines(stored)).toHaveLength(typed * 2);
    await eventually(() => expect(acked.every((n) => n > 0)).toBe(true));
    // The outage is told once per process and state change, not once per update (240 here).
    const outageLines = [...a.warnings, ...b.warnings].slice(warningsBefore);
    expect(outageLines.length, JSON.stringify(outageLines.slice(0, 8).map((l) => l.msg))).toBeLessThanOrEqual(6);
    expect(outageLines.map((l) => l.msg)).toContain('cluster bus down: serving from Postgres, peers catch up when it returns');
  });

  it('during a Redis outage a configuration opens (from Postgres), edits cross processes, builds answer queue_unavailable', async () => {
    const { a, b, redis } = pair;
    const id = await createConfig({ url: a.url, token: pair.owner.token }, { name: 'open-in-outage', data: { ...VALID_CONFIG, customizeScript: '' } });
    await redis.stop();
    try {
      const onA = open(a, id);
      const onB = open(b, id);
      await Promise.all([synced(onA, CONVERGE_ASSERT_MS), synced(onB, CONVERGE_ASSERT_MS)]);
      script(onA.doc).insert(0, 'typed on A while Redis is down\n');
      await eventually(() => expect(script(onB.doc).toString()).toContain('typed on A while Redis is down'), { timeoutMs: CONVERGE_ASSERT_MS });

      const started = Date.now();
      const build = await fetch(`${a.url}/api/configs/${id}/builds`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pair.owner.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(build.status).toBe(503);
      expect(((await build.json()) as { error: { code: string } }).error.code).toBe('queue_unavailable');
      expect(Date.now() - started).toBeLessThan(CONVERGE_ASSERT_MS);
    } finally {
      await redis.start();
    }
    await eventually(async () => expect(await (await scrapeMetrics(b.url)).text()).toContain('boardroom_bus_up 1'), { timeoutMs: CONVERGE_ASSERT_MS });
  });
});
