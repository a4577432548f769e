/**
 * kill -9 of the server during continuous edits loses nothing any other client had received.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { useChildServer } from './helpers/child-server.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { signUp } from './helpers/auth.ts';
import { seededRandom } from './helpers/random.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const WRITERS = 4;
/** Each writer is its own person sending one message per tick (below the per-person message
 * rate limit) with several lines in it: about 4,000 lines/s in total while the kill lands,
 * while the script stays below its size limit. */
const EDITS_PER_TICK = 10;
const TICK_MS = 10;

/** Each edit appends one line to the customize script; a line is a token naming its writer. */
function tokens(doc: Y.Doc): string[] {
  const text = doc.getMap('config').get('customizeScript');
  return text instanceof Y.Text ? text.toString().split('\n').filter((t) => t.startsWith('w')) : [];
}

describe('persistence under SIGKILL', () => {
  const rig = useChildServer('crash');
  const clients = rig.clients;

  it('every update another client received is present after restart', async () => {
    let server = await rig.start();
    const { token } = await signUp(server.url);
    const id = await createConfig({ url: server.url, token }, { name: 'crash', data: { customizeScript: '' } });
    for (let i = 0; i < WRITERS; i++) {
      const writer = await signUp(server.url, `Writer ${i}`);
      await addMember({ url: server.url, token }, id, writer, 'editor');
      clients.push(connectClient({ url: server.url, token: writer.token }, id));
    }
    await Promise.all(clients.map((c) => synced(c)));

    const rnd = seededRandom('persistence-crash');
    let counter = 0;
    const timer = setInterval(() => {
      clients.forEach((c, who) => {
        const script = c.doc.getMap('config').get('customizeScript') as Y.Text;
        c.doc.transact(() => {
          for (let k = 0; k < EDITS_PER_TICK; k++) script.insert(script.length, `w${who}-${counter++}\n`);
        });
      });
    }, TICK_MS);

    // Let edits flow between clients (not just locally), then kill at a random moment.
    const fromOthers = (who: number) => tokens(clients[who].doc).filter((t) => !t.startsWith(`w${who}-`)).length;
    await eventually(() => expect(fromOthers(0)).toBeGreaterThan(200), { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, rnd.int(300)));
    await rig.kill();
    clearInterval(timer);

    // What each client had received from the OTHERS at the moment of the crash.
    const seenFromOthers = clients.map((c, who) => tokens(c.doc).filter((t) => !t.startsWith(`w${who}-`)));
    for (const c of clients) c.destroy();
    clients.length = 0;
    expect(seenFromOthers.some((s) => s.length > 0)).toBe(true);

    server = await rig.start();
    const reader = connectClient({ url: server.url, token }, id);
    clients.push(reader);
    await synced(reader);
    const stored = new Set(tokens(reader.doc));
    for (const seen of seenFromOthers) {
      const missing = seen.filter((t) => !stored.has(t));
      expect(missing).toEqual([]);
    }
  });
});
