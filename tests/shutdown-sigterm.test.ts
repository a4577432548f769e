/**
 * SIGTERM with clients connected: the process stops taking connections, flushes its commits,
 * tells clients to reconnect (they land on the other process, as behind a load balancer) and
 * exits within its deadline; nothing anyone typed is lost.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../shared/protocol.ts';
import { signUp } from './helpers/auth.ts';
import { startChildServer, type ChildServer } from './helpers/child-server.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TICK_MS = 10;

describe('graceful shutdown', () => {
  let testDb: TestDatabase;
  const servers: ChildServer[] = [];
  const clients: TestClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const s of servers) s.child.kill('SIGKILL');
    await testDb?.drop();
  });

  it('moves clients to the other process on SIGTERM and loses nothing', async () => {
    testDb = await createTestDatabase('sigterm', { migrated: true });
    const env = { DATABASE_URL: testDb.url, REDIS_URL, KEY_PREFIX: `test:${randomBytes(5).toString('hex')}:` };
    const a = await startChildServer(env);
    const b = await startChildServer(env);
    servers.push(a, b);
    const { token } = await signUp(a.url);
    const id = await createConfig({ url: a.url, token }, { name: 'sigterm', data: { customizeScript: '' } });
    const writers = [0, 1, 2].map(() => connectClient({ url: a.url, token }, id));
    const watcher = connectClient({ url: b.url, token }, id);
    clients.push(...writers, watcher);
    await Promise.all(clients.map((c) => synced(c)));

    // The "load balancer": when A says goodbye, a client reconnects to B.
    // Only A's goodbye counts: a writer's later closes are of its connection to B (a busy B may
    // ask it to retry during the move, which is B's answer, not A's shutdown).
    const goodbyes: number[] = [];
    for (const w of writers) {
      let movedToB = false;
      w.provider.on('connection-close', (event: CloseEvent | null) => {
        if (movedToB) return;
        movedToB = true;
        goodbyes.push(event?.code ?? 0);
        (w.provider as unknown as { serverUrl: string }).serverUrl = `${b.url.replace('http', 'ws')}/sync`;
      });
    }
    const script = (c: TestClient) => c.doc.getMap('config').get('customizeScript') as Y.Text;
    const typed: string[] = [];
    let n = 0;
    const timer = setInterval(() => {
      writers.forEach((w, who) => {
        const token = `w${who}-${n++}`;
        typed.push(token);
        script(w).insert(script(w).length, `${token}\n`);
      });
    }, TICK_MS);
    await eventually(() => expect(script(watcher).toString().split('\n').length).toBeGreaterThan(30));

    const started = Date.now();
    a.child.kill('SIGTERM');
    const exitCode = await a.exited;
    const tookMs = Date.now() - started;
    await new Promise((r) => setTimeout(r, 100)); // keep typing through the move
    clearInterval(timer);

    expect(exitCode).toBe(0);
    expect(tookMs).toBeLessThan(15_000);
    expect(goodbyes.length).toBe(writers.length);
    expect(goodbyes.every((code) => code === CloseCode.goingAway.code)).toBe(true);
    await eventually(
      () => {
        const text = script(watcher).toString();
        const missing = typed.filter((t) => !text.includes(`${t}\n`));
        expect(missing).toEqual([]);
      },
      { timeoutMs: 15_000 },
    );
    // And it is durable: a fresh client on B loads all of it.
    const reader = connectClient({ url: b.url, token }, id);
    clients.push(reader);
    await synced(reader);
    await eventually(() => expect(script(reader).toString()).toBe(script(watcher).toString()));
  });
});
