/**
 * A compaction in progress holds nothing back: while one configuration's log is being folded
 * (its transaction open, holding that configuration's row), edits of that very configuration still
 * commit and reach the other clients. Before, compaction locked the row FOR UPDATE, which the
 * foreign-key check of every committed update waits for; the group commit carries every room's
 * updates in order, so one compaction stalled the fan-out of the whole server (seen as 0.3–1.9 s
 * stalls under load, issue 16).
 *
 * The compaction is held open deterministically: this test locks the log rows the compaction is
 * about to delete, so it waits there, after taking its configuration lock.
 */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mainDoc } from '../server/storage/doc-key.ts';
import { mergeStored } from '../server/storage/stored-doc.ts';
import { storedDocReader } from './helpers/convergence.ts';
import { synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const packages = (c: TestClient) => (c.doc.getMap('config').get('extraPackages') as Y.Array<string>).toArray();
const push = (c: TestClient, name: string) => (c.doc.getMap('config').get('extraPackages') as Y.Array<string>).push([name]);

describe('compaction and concurrent edits', () => {
  const rig = useTestServer();

  it('edits of the configuration being compacted commit and fan out before the compaction ends', async () => {
    const { server } = rig;
    const id = await createConfig(server, { name: 'compaction-lock', data: { extraPackages: [] } });
    const a = rig.connect(server, id);
    const b = rig.connect(server, id);
    await Promise.all([synced(a), synced(b)]);
    push(a, 'before');
    await eventually(() => expect(packages(b)).toContain('before'));

    const holder = postgres(server.testDb.url, { max: 1, onnotice: () => {} });
    const probe = postgres(server.testDb.url, { max: 1, onnotice: () => {} });
    const reader = storedDocReader(server.testDb.url);
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = holder.begin(async (tx) => {
        const rows = await tx`select id from doc_updates where config_id = ${id} for update`;
        expect(rows.length).toBeGreaterThan(0);
        locked();
        await released;
      });
      await isLocked;

      let compactionDone = false;
      const compaction = server.storage.compact(mainDoc(id), mergeStored).finally(() => (compactionDone = true));
      // The compaction has its configuration lock and waits on the rows held above.
      await eventually(async () => {
        const [row] = await probe<Array<{ n: number }>>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query ilike 'delete from "doc_updates"%'`;
        expect(row.n).toBe(1);
      });

      push(a, 'during');
      await eventually(() => expect(packages(b)).toContain('during'));
      const stored = await reader.load(id);
      expect((stored.getMap('config').get('extraPackages') as Y.Array<string>).toArray()).toEqual(['before', 'during']);
      stored.destroy();
      // Still held open: the edit did not get through by the compaction giving up (a statement
      // deadline) or finishing.
      expect(compactionDone, 'the compaction should still be waiting on the held rows').toBe(false);

      release();
      await holding;
      const result = await compaction;
      expect(result.folded).toBeGreaterThan(0);
      // The row committed during the compaction was not read by it, so it stays in the log.
      const after = await reader.load(id);
      expect((after.getMap('config').get('extraPackages') as Y.Array<string>).toArray()).toEqual(['before', 'during']);
      after.destroy();
    } finally {
      await Promise.all([holder.end({ timeout: 1 }), probe.end({ timeout: 1 }), reader.close()]);
    }
  });
});
