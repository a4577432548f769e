/**
 * Compaction while people edit: the log is folded into a snapshot once it passes the threshold,
 * and the document loaded afterwards (snapshot + tail) is exactly what the clients have.
 */
// Compared as canonical JSON: map key order depends on the order updates were integrated.
import { canonicalJson } from '../shared/canonical-json.ts';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

const THRESHOLD = 25;

describe('compaction during editing', () => {
  const rig = useTestServer({ compactAfterUpdates: THRESHOLD });
  const { server, clients } = rig;

  it('folds the log past the threshold and loses nothing', async () => {
    const id = await createConfig(server, { name: 'compaction', data: { extraPackages: [] } });
    const a = connectClient(server, id);
    const b = connectClient(server, id);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    const list = (c: TestClient) => c.doc.getMap('config').get('extraPackages') as Y.Array<string>;
    for (let i = 0; i < 200; i++) {
      list(i % 2 ? a : b).push([`p${i}`]);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(() => expect(list(b).length).toBe(200));
    await eventually(() => expect(list(a).length).toBe(200));
    await eventually(async () => {
      const tail = await server.storage.tailSize(mainDoc(id));
      expect(tail.count).toBeLessThan(THRESHOLD + 5);
      const stored = await server.storage.loadDoc(mainDoc(id));
      expect(stored.snapshot).not.toBeNull();
    });
    const expected = canonicalJson(a.doc.getMap('config').toJSON());
    for (const c of clients) c.destroy();
    clients.length = 0;
    await rig.restart();
    const reader = connectClient(server, id);
    clients.push(reader);
    await synced(reader);
    expect(canonicalJson(reader.doc.getMap('config').toJSON())).toBe(expected);
  });

  it('folds edits that landed while a compaction ran, without waiting for another edit', async () => {
    const id = await createConfig(server, { name: 'compaction-rerun', data: { extraPackages: [] } });
    const a = connectClient(server, id);
    clients.push(a);
    await synced(a);
    const tail = async () => (await server.storage.tailSize(mainDoc(id))).count;
    // One committed row per push: wait for each before the next, so the counts below are exact.
    const pushCommitted = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const before = await tail();
        (a.doc.getMap('config').get('extraPackages') as Y.Array<string>).push([`q${i}`]);
        await eventually(async () => expect(await tail()).toBeGreaterThan(before));
      }
    };
    await pushCommitted(0, 10);

    // Hold the first ten log rows: the compaction the threshold starts reads them and then waits
    // to delete them, so it stays running while more edits commit.
    const holder = postgres(server.testDb.url, { max: 1, onnotice: () => {} });
    const probe = postgres(server.testDb.url, { max: 1, onnotice: () => {} });
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = holder.begin(async (tx) => {
        await tx`select id from doc_updates where config_id = ${id} for update`;
        locked();
        await released;
      });
      await isLocked;
      await pushCommitted(10, THRESHOLD);
      await eventually(async () => {
        const [row] = await probe<Array<{ n: number }>>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query ilike 'delete from "doc_updates"%'`;
        expect(row.n).toBe(1);
      });
      // The compaction is busy: these commits pass the threshold again but start none.
      await pushCommitted(THRESHOLD, THRESHOLD + 40);
      expect(await tail()).toBe(THRESHOLD + 40);
      release();
      await holding;
    } finally {
      await Promise.all([holder.end({ timeout: 1 }), probe.end({ timeout: 1 })]);
    }
    // No edit follows, yet the 40 rows committed during the compaction are folded too.
    await eventually(async () => expect(await tail()).toBeLessThan(THRESHOLD));
    const stored = await server.storage.loadDoc(mainDoc(id));
    expect(stored.snapshot).not.toBeNull();
    const expected = canonicalJson(a.doc.getMap('config').toJSON());
    a.destroy();
    clients.length = 0;
    await rig.restart();
    const reader = connectClient(server, id);
    clients.push(reader);
    await synced(reader);
    expect(canonicalJson(reader.doc.getMap('config').toJSON())).toBe(expected);
  });
});
