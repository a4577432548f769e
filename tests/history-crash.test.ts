/**
 * The change log under SIGKILL: a burst of typing that is still open (its entry not closed yet)
 * is checkpointed to Postgres within about a second, so killing the server mid-burst keeps who
 * typed what in the history, with the text as it was at the last checkpoint; and a checkpointed
 * burst that ends as no change at all leaves no row behind.
 */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { COALESCE_IDLE_MS } from '../server/history/change-log.ts';
import { authed, signUp } from './helpers/auth.ts';
import { useChildServer } from './helpers/child-server.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

interface Entry {
  path: string;
  edits?: Array<{ at: number; insert?: string; delete?: string }>;
  author: { name: string };
}

describe('change log under SIGKILL', () => {
  const rig = useChildServer('history_crash');
  const clients = rig.clients;

  it('keeps an open burst of typing in the history when the server is killed mid-burst', async () => {
    let server = await rig.start();
    const alice = await signUp(server.url, 'Alice');
    const id = await createConfig({ url: server.url, token: alice.token }, { name: 'crash-history', data: { customizeScript: '' } });
    const client = connectClient({ url: server.url, token: alice.token }, id);
    clients.push(client);
    await synced(client);
    const script = client.doc.getMap('config').get('customizeScript') as Y.Text;
    for (const word of ['apt-get ', 'install ', 'htop']) {
      script.insert(script.length, word);
      await new Promise((r) => setTimeout(r, 20));
    }
    const lastKeystroke = Date.now();

    // The entry is still open (no pause long enough to close it), yet its row is already stored.
    const pg = postgres(rig.db!.url, { max: 1, onnotice: () => {} });
    try {
      await eventually(
        async () => {
          const rows = await pg`select after, author_name from change_log where config_id = ${id} and path = '/customizeScript'`;
          expect(rows).toHaveLength(1);
          expect(rows[0].author_name).toBe('Alice');
          expect(JSON.stringify(rows[0].after)).toContain('htop');
        },
        { timeoutMs: COALESCE_IDLE_MS - 1_000 },
      );
    } finally {
      await pg.end();
    }
    expect(Date.now() - lastKeystroke).toBeLessThan(COALESCE_IDLE_MS);

    client.provider.shouldConnect = false;
    client.provider.disconnect();
    await rig.kill();
    server = await rig.start();

    const res = await authed(server.url, alice.token)(`/api/configs/${id}/history`);
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: Entry[] };
    const typed = entries.filter((e) => e.path === '/customizeScript');
    expect(typed).toHaveLength(1);
    expect(typed[0].author.name).toBe('Alice');
    // Typed as one insertion; the checkpoint holds all of it up to the last write.
    expect(typed[0].edits).toEqual([{ at: 0, insert: 'apt-get install htop' }]);
  });

  it('retracts a checkpointed burst that ends up changing nothing', async () => {
    const server = rig.server ?? (await rig.start());
    const alice = await signUp(server.url, 'Alicia');
    const id = await createConfig({ url: server.url, token: alice.token }, { name: 'undo-history', data: { customizeScript: 'echo hi' } });
    const client = connectClient({ url: server.url, token: alice.token }, id);
    clients.push(client);
    await synced(client);
    const script = client.doc.getMap('config').get('customizeScript') as Y.Text;
    script.insert(script.length, ' && reboot');
    const pg = postgres(rig.db!.url, { max: 1, onnotice: () => {} });
    const rows = () => pg`select after from change_log where config_id = ${id} and path = '/customizeScript'`;
    try {
      await eventually(async () => expect(JSON.stringify((await rows())[0]?.after)).toContain('reboot'));
      // Typed back to what it was: once the burst closes, the log holds no change for it.
      script.delete('echo hi'.length, ' && reboot'.length);
      await eventually(async () => expect(await rows()).toHaveLength(0), { timeoutMs: COALESCE_IDLE_MS * 3 });
    } finally {
      await pg.end();
    }
    const res = await authed(server.url, alice.token)(`/api/configs/${id}/history`);
    const { entries } = (await res.json()) as { entries: Entry[] };
    expect(entries.filter((e) => e.path === '/customizeScript')).toHaveLength(0);
  });
});
