/**
 * Compaction while people edit: the log is folded into a snapshot once it passes the threshold,
 * and the document loaded afterwards (snapshot + tail) is exactly what the clients have.
 */
// Compared as canonical JSON: map key order depends on the order updates were integrated.
import { canonicalJson } from '../shared/canonical-json.ts';
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
});
