/**
 * kill -9 of the server while people type and REST callers read: nothing any REST response
 * showed is lost (docs/architecture.md, "Durability": REST reads serve committed state only).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { authed, signUp } from './helpers/auth.ts';
import { startChildServer, type ChildServer } from './helpers/child-server.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { seededRandom } from './helpers/random.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { eventually } from './helpers/wait.ts';

const WRITERS = 3;
/** Lines per writer per tick: a steady stream, so commits are always in flight when the kill
 * lands, that stays far below the customize script's length limit (a repair would cut lines). */
const EDITS_PER_TICK = 2;
const TICK_MS = 20;
/** Every Postgres reply is this late: each commit stays in flight that long, so at any moment
 * some typed lines are applied in memory and not yet durable (the window a kill -9 loses). */
const POSTGRES_LATENCY_MS = 40;
/** REST reads before the kill: enough for the reads to overlap many commits. */
const MIN_READS = 5;

const tokensOf = (script: unknown): string[] => (typeof script === 'string' ? script.split('\n').filter((t) => t.startsWith('w')) : []);

describe('REST reads under SIGKILL', () => {
  let testDb: TestDatabase | null = null;
  let proxy: TcpProxy | null = null;
  let child: ChildServer | null = null;
  const clients: TestClient[] = [];
  const rig = {
    clients,
    async start() {
      testDb ??= await createTestDatabase('restcrash', { migrated: true });
      const url = new URL(testDb.url);
      proxy ??= await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) }, { latencyMs: POSTGRES_LATENCY_MS });
      url.port = String(proxy.port);
      child = await startChildServer({ DATABASE_URL: url.toString() });
      return child;
    },
    async kill() {
      child?.child.kill('SIGKILL');
      await child?.exited;
    },
  };
  afterAll(async () => {
    for (const c of clients) c.destroy();
    child?.child.kill('SIGKILL');
    await proxy?.close();
    await testDb?.drop();
  });

  it('every line a REST read returned is stored after the restart', async () => {
    let server = await rig.start();
    const owner = await signUp(server.url, 'Owner');
    const id = await createConfig({ url: server.url, token: owner.token }, { name: 'crash', data: { customizeScript: '' } });
    for (let i = 0; i < WRITERS; i++) {
      const writer = await signUp(server.url, `Writer ${i}`);
      await addMember({ url: server.url, token: owner.token }, id, writer, 'editor');
      rig.clients.push(connectClient({ url: server.url, token: writer.token }, id));
    }
    await Promise.all(rig.clients.map((c) => synced(c)));

    let counter = 0;
    const timer = setInterval(() => {
      rig.clients.forEach((c, who) => {
        const script = c.doc.getMap('config').get('customizeScript') as Y.Text;
        c.doc.transact(() => {
          for (let k = 0; k < EDITS_PER_TICK; k++) script.insert(script.length, `w${who}-${counter++}\n`);
        });
      });
    }, TICK_MS);

    // Read in a loop; after a random number of reads (past MIN_READS), kill the server the moment
    // a response has arrived, while the writers' next lines are still on their way to Postgres.
    const api = authed(server.url, owner.token);
    const seen = new Set<string>();
    const rnd = seededRandom('rest-durable-crash');
    const killAfter = MIN_READS + rnd.int(10);
    for (let reads = 0; reads < killAfter; reads++) {
      const res = await api(`/api/configs/${id}`);
      expect(res.status).toBe(200);
      const { data } = (await res.json()) as { data: { customizeScript?: string } };
      for (const t of tokensOf(data.customizeScript)) seen.add(t);
    }
    await rig.kill();
    clearInterval(timer);
    for (const c of rig.clients) c.destroy();
    rig.clients.length = 0;
    expect(seen.size).toBeGreaterThan(0);

    server = await rig.start();
    const reader = connectClient({ url: server.url, token: owner.token }, id);
    rig.clients.push(reader);
    await synced(reader);
    await eventually(() => expect(reader.doc.getMap('config').get('customizeScript')).toBeInstanceOf(Y.Text));
    const stored = new Set(tokensOf(String(reader.doc.getMap('config').get('customizeScript'))));
    expect([...seen].filter((t) => !stored.has(t))).toEqual([]);
  });
});
