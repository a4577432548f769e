/**
 * Three stock y-websocket clients edit one configuration at once and end up identical; a late
 * joiner and a client after a server restart receive the same state.
 */
// Compared as canonical JSON: map key order depends on the order updates were integrated.
import { canonicalJson } from '../shared/canonical-json.ts';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, synced } from './helpers/clients.ts';
import { seededRandom } from './helpers/random.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const EDITS_PER_CLIENT = 150;

/** Random edits on the parts of the layout every editor touches: a list, a script and a map. */
function randomEdit(doc: Y.Doc, rnd: ReturnType<typeof seededRandom>, who: number): void {
  const config = doc.getMap('config');
  doc.transact(() => {
    const packages = config.get('extraPackages') as Y.Array<string>;
    const script = config.get('customizeScript') as Y.Text;
    switch (rnd.int(5)) {
      case 0:
        packages.insert(rnd.int(packages.length + 1), [`pkg-${who}-${rnd.int(1000)}`]);
        break;
      case 1:
        if (packages.length > 0) packages.delete(rnd.int(packages.length), 1);
        break;
      case 2:
        script.insert(rnd.int(script.length + 1), `echo ${who}-${rnd.int(100)}\n`);
        break;
      case 3:
        if (script.length > 2) script.delete(rnd.int(script.length - 1), 1 + rnd.int(2));
        break;
      default:
        config.set('RELEASE', ['bookworm', 'trixie', 'noble', 'jammy'][rnd.int(4)]);
    }
  });
}

describe('sync convergence', () => {
  const rig = useTestServer();
  const { server, clients } = rig;

  it('converges three stock clients, a late joiner, and a client after restart', async () => {
    const id = await createConfig(server, {
      name: 'convergence',
      data: { extraPackages: ['htop'], customizeScript: '#!/bin/bash\n', RELEASE: 'bookworm' },
    });
    const rnd = seededRandom('sync-convergence');
    for (let i = 0; i < 3; i++) clients.push(connectClient(server, id));
    await Promise.all(clients.map((c) => synced(c)));
    expect((clients[0].doc.getMap('config').get('extraPackages') as Y.Array<string>).toJSON()).toEqual(['htop']);

    // Interleave edits from all three without waiting for round trips: real concurrency.
    for (let round = 0; round < EDITS_PER_CLIENT; round++) {
      clients.forEach((c, who) => randomEdit(c.doc, rnd, who));
      if (round % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    const states = () => clients.map((c) => canonicalJson(c.doc.getMap('config').toJSON()));
    await eventually(() => {
      const s = states();
      expect(s[1]).toEqual(s[0]);
      expect(s[2]).toEqual(s[0]);
    });
    const finalState = states()[0];

    const late = connectClient(server, id);
    clients.push(late);
    await synced(late);
    await eventually(() => expect(canonicalJson(late.doc.getMap('config').toJSON())).toEqual(finalState));

    // Restart: a new process state loads from Postgres only.
    for (const c of clients) c.destroy();
    clients.length = 0;
    await rig.restart();
    const after = connectClient(server, id);
    clients.push(after);
    await synced(after);
    await eventually(() => expect(canonicalJson(after.doc.getMap('config').toJSON())).toEqual(finalState));
  });
});
