/**
 * Two server processes on one Postgres and one Redis, clients on both editing the same
 * configuration: everyone converges, every update is stored exactly once, a client that moves
 * from one process to the other mid-session loses nothing, access changes made through one
 * process end sessions on the other, and a comment posted through a process where nobody has the
 * configuration open still reaches the people watching it through the other.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { installExtHandlers } from '../shared/ext-messages.ts';
import { CloseCode, MessageType } from '../shared/protocol.ts';
import { authed, signUp } from './helpers/auth.ts';
import { startChildServer, type ChildServer } from './helpers/child-server.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const EDITS_PER_CLIENT = 60;

describe('two server processes', () => {
  let testDb: TestDatabase;
  const servers: ChildServer[] = [];
  const clients: TestClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const s of servers) s.child.kill('SIGKILL');
    await testDb?.drop();
  });

  it('converge, store each update once, and survive a client moving between them', async () => {
    testDb = await createTestDatabase('scale', { migrated: true });
    const env = { DATABASE_URL: testDb.url, REDIS_URL, KEY_PREFIX: `test:${randomBytes(5).toString('hex')}:` };
    servers.push(await startChildServer(env));
    servers.push(await startChildServer(env));
    const [a, b] = servers;
    const { token } = await signUp(a.url);
    const id = await createConfig({ url: a.url, token }, { name: 'scale', data: { customizeScript: '' } });

    const onA = [connectClient({ url: a.url, token }, id), connectClient({ url: a.url, token }, id)];
    const onB = [connectClient({ url: b.url, token }, id), connectClient({ url: b.url, token }, id)];
    clients.push(...onA, ...onB);
    await Promise.all(clients.map((c) => synced(c)));

    const script = (c: TestClient) => c.doc.getMap('config').get('customizeScript') as Y.Text;
    for (let i = 0; i < EDITS_PER_CLIENT; i++) {
      clients.forEach((c, who) => script(c).insert(script(c).length, `c${who}-${i}\n`));
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    // Presence crosses processes too.
    onA[0].provider.awareness.setLocalStateField('focus', { path: '/BOARD' });
    await eventually(() => {
      const texts = clients.map((c) => script(c).toString());
      for (const t of texts) expect(t).toBe(texts[0]);
      expect(texts[0].split('\n').filter(Boolean)).toHaveLength(EDITS_PER_CLIENT * clients.length);
      const seen = onB[0].provider.awareness.getStates().get(onA[0].doc.clientID) as { focus?: { path: string } } | undefined;
      expect(seen?.focus?.path).toBe('/BOARD');
    });

    // A client moves from A to B: it edits while disconnected, then reconnects to B.
    const mover = onA[1];
    mover.provider.disconnect();
    script(mover).insert(script(mover).length, 'moved-offline\n');
    (mover.provider as unknown as { serverUrl: string }).serverUrl = `${b.url.replace('http', 'ws')}/sync`;
    mover.provider.connect();
    await eventually(() => {
      for (const c of clients) expect(script(c).toString()).toContain('moved-offline');
    });

    // Every update stored once: no two log rows carry the same bytes (each holds unique client clocks).
    const pg = postgres(testDb.url, { max: 1 });
    try {
      await eventually(async () => {
        const dupes = await pg`select count(*)::int as n from (select update from doc_updates group by update having count(*) > 1) d`;
        expect(dupes[0].n).toBe(0);
      });
    } finally {
      await pg.end();
    }

    // A fresh client on either process loads the same state from Postgres + the channel.
    const reader = connectClient({ url: a.url, token }, id);
    clients.push(reader);
    await synced(reader);
    await eventually(() => expect(script(reader).toString()).toBe(script(onB[0]).toString()));
    void sql;
  });

  it('revoking a link on one process ends its sessions on the other', async () => {
    const [a, b] = servers;
    const owner = await signUp(a.url, 'Revoker');
    const id = await createConfig({ url: a.url, token: owner.token }, { name: 'cross-revoke' });
    const link = (await (await authed(a.url, owner.token)(`/api/configs/${id}/shares`, { method: 'POST', body: JSON.stringify({ role: 'editor' }) })).json()) as { id: string; token: string };
    const guest = connectClient(b.url, id, { share: link.token });
    clients.push(guest);
    await synced(guest);
    const closed = new Promise<number>((resolve) =>
      guest.provider.on('connection-close', (e: CloseEvent | null) => {
        guest.provider.shouldConnect = false;
        resolve(e?.code ?? 0);
      }),
    );
    const started = Date.now();
    expect((await authed(a.url, owner.token)(`/api/configs/${id}/shares/${link.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe(CloseCode.accessRevoked.code);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('a comment posted through the process without the room reaches watchers on the other', async () => {
    const [a, b] = servers;
    const owner = await signUp(a.url, 'Commenter');
    const id = await createConfig({ url: a.url, token: owner.token }, { name: 'cross-comment' });
    // The only watcher is on B; nobody has the configuration open on A.
    const watcher = connectClient({ url: b.url, token: owner.token }, id, { ext: '1' });
    clients.push(watcher);
    const events: Array<{ type: string; action: string; thread: { body?: string; comments?: Array<{ body: string }> } }> = [];
    installExtHandlers(watcher.provider as never, (type, payload) => {
      if (type === MessageType.event && (payload as { type: string }).type === 'comment') events.push(payload as (typeof events)[number]);
    });
    await synced(watcher);
    const posted = await authed(a.url, owner.token)(`/api/configs/${id}/comments`, {
      method: 'POST',
      body: JSON.stringify({ body: 'seen from the other process?', anchor: { path: '/BOARD' } }),
    });
    expect(posted.status).toBe(201);
    await eventually(() => expect(JSON.stringify(events)).toContain('seen from the other process?'));
    expect(events[0].action).toBe('created');
  });
});
