/**
 * Degraded modes. Redis away: editing on one process carries on, builds say the queue is
 * unavailable, and everything recovers when Redis returns. Postgres away: edits are not
 * acknowledged as saved (clients show "not saved") and nothing is lost once it returns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase } from '../server/db/connect.ts';
import { startServer } from '../server/server.ts';
import { installExtHandlers, type SavedAck } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { signUp } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { testLogger } from './helpers/logger.ts';
import { createTestDatabase } from './helpers/postgres.ts';
import { startPrivateRedis } from './helpers/private-redis.ts';
import { createConfig, startTestServer } from './helpers/server.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';
import { eventually } from './helpers/wait.ts';
import { VALID_CONFIG } from './builder-harness.ts';
import { docFromStored } from '../server/storage/stored-doc.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

describe('degraded modes', () => {
  const clients: TestClient[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const fn of cleanups.reverse()) await fn();
  });

  it('Redis stopped and restarted: editing continues, builds report the queue, then recover', async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const server = await startTestServer({ redisUrl: redis.url, keyPrefix: 'degraded:' });
    cleanups.push(() => server.cleanup());
    const id = await createConfig(server, { name: 'redis-away', data: { ...VALID_CONFIG } });
    const a = connectClient(server, id);
    const b = connectClient(server, id);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);

    await redis.stop();
    a.doc.getMap('config').set('VENDOR', 'redis-away');
    await eventually(() => expect(String(b.doc.getMap('config').get('VENDOR'))).toBe('redis-away'));
    const build = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(build.status).toBe(503);
    expect(((await build.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.redis).not.toBe('ok');

    await redis.start();
    await eventually(
      async () => {
        const again = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: JSON.stringify({ force: true }) });
        expect(again.status).toBe(202);
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    b.doc.getMap('config').set('VENDOR', 'redis-back');
    await eventually(() => expect(String(a.doc.getMap('config').get('VENDOR'))).toBe('redis-back'));
  });

  it('Postgres unreachable: no "saved" acks and no fan-out until it returns; then nothing is lost', async () => {
    const testDb = await createTestDatabase('pgaway', { migrated: true });
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const url = new URL(testDb.url);
    url.port = String(proxy.port);
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: 'memory://' });
    const server = await startServer({ database, logger: testLogger(), port: 0 });
    cleanups.push(async () => {
      await server.close();
      await database.close();
      await proxy.close();
      await testDb.drop();
    });
    const owner = await signUp(server.url);
    const id = await createConfig({ url: server.url, token: owner.token }, { name: 'pg-away', data: { customizeScript: '' } });
    const writer = connectClient({ url: server.url, token: owner.token }, id, { ext: '1' });
    const reader = connectClient({ url: server.url, token: owner.token }, id);
    clients.push(writer, reader);
    const acks: SavedAck[] = [];
    installExtHandlers(writer.provider as never, (type, payload) => {
      if (type === MessageType.saved) acks.push(payload as SavedAck);
    });
    await Promise.all([synced(writer), synced(reader)]);
    const script = (c: TestClient) => c.doc.getMap('config').get('customizeScript') as Y.Text;
    const savedClock = () => Math.max(0, ...acks.map((a) => a.clocks[String(writer.doc.clientID)] ?? 0));

    script(writer).insert(0, 'before\n');
    await eventually(() => expect(savedClock()).toBe(Y.getState(writer.doc.store, writer.doc.clientID)));

    proxy.cut();
    for (let i = 0; i < 20; i++) script(writer).insert(script(writer).length, `while-away-${i}\n`);
    const typedClock = Y.getState(writer.doc.store, writer.doc.clientID);
    // A second and a half with Postgres unreachable: not saved, and not shown to anyone.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(savedClock()).toBeLessThan(typedClock);
    expect(script(reader).toString()).not.toContain('while-away');
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(503);

    proxy.restore();
    await eventually(() => expect(savedClock()).toBe(typedClock), { timeoutMs: 20_000 });
    await eventually(() => expect(script(reader).toString()).toBe(script(writer).toString()));
    const stored = await server.storage.loadDoc(mainDoc(id));
    const doc = docFromStored(stored);
    expect(String(doc.getMap('config').get('customizeScript'))).toContain('while-away-19');
  });
});
