/**
 * Build status pushed to everyone who has the configuration open, across processes: two server
 * processes on one Postgres and Redis, a real plan builder beside them, extension clients on
 * both. A build requested through one process reaches the clients of both as `build/status`
 * events (queued, running, succeeded; cancelled for a cancelled one) and `build/progress`, once
 * each, in order; a stock client of the same configuration gets none of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBuilder, type Builder } from '../builder/worker.ts';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { EXT_PROTOCOL_VERSION, installExtHandlers, readExtEvent, type ExtEventOf } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { authed, signUp } from './helpers/auth.ts';
import { startChildServer, type ChildServer } from './helpers/child-server.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { testLogger } from './helpers/logger.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { planExecutor, REDIS_URL, VALID_CONFIG } from './builder-harness.ts';

type BuildPush = ExtEventOf<'build/status'> | ExtEventOf<'build/progress'>;

/** An extension client that keeps every build event it is pushed. */
function watch(url: string, token: string, configId: string): { client: TestClient; events: BuildPush[] } {
  const client = connectClient({ url, token }, configId, { ext: String(EXT_PROTOCOL_VERSION) });
  const events: BuildPush[] = [];
  installExtHandlers(client.provider as never, (type, payload) => {
    if (type !== MessageType.event) return;
    const read = readExtEvent(payload);
    if (read.ok && (read.event.type === 'build/status' || read.event.type === 'build/progress')) events.push(read.event);
  });
  return { client, events };
}

const statusesOf = (events: BuildPush[], buildId: string) =>
  events.filter((e): e is ExtEventOf<'build/status'> => e.type === 'build/status' && e.buildId === buildId).map((e) => e.status);

describe('build status pushed to the configuration\'s clients', () => {
  let testDb: TestDatabase;
  let database: Database;
  let builder: Builder | null = null;
  let builderRedis: Redis;
  let tmp: string;
  let keyPrefix: string;
  const servers: ChildServer[] = [];
  const clients: TestClient[] = [];

  const startBuilder = async (): Promise<void> => {
    builder = createBuilder({
      db: database.db,
      redis: builderRedis,
      keys: buildKeys(keyPrefix),
      logger: testLogger(),
      executor: planExecutor(),
      storage: createLocalArtifactStorage(path.join(tmp, 'artifacts')),
      workRoot: path.join(tmp, 'work'),
    });
    await builder.start();
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'build-push-'));
    testDb = await createTestDatabase('build_push', { migrated: true });
    keyPrefix = `test:${randomBytes(5).toString('hex')}:`;
    const env = { DATABASE_URL: testDb.url, REDIS_URL, KEY_PREFIX: keyPrefix, ARTIFACTS_DIR: path.join(tmp, 'artifacts') };
    servers.push(await startChildServer(env), await startChildServer(env));
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
    builderRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    await startBuilder();
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await builder?.close();
    builderRedis?.disconnect();
    for (const s of servers) s.child.kill('SIGKILL');
    await database?.close();
    await testDb?.drop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('every client on either process sees a build go queued, running, succeeded; a stock client sees none of it', async () => {
    const [a, b] = servers;
    const owner = await signUp(a.url, 'Builder');
    const id = await createConfig({ url: a.url, token: owner.token }, { name: 'pushed builds', data: { ...VALID_CONFIG } });
    const onA = watch(a.url, owner.token, id);
    const onB = watch(b.url, owner.token, id);
    clients.push(onA.client, onB.client);
    const stock = new WebSocket(`${b.url.replace('http', 'ws')}/sync/${id}?token=${owner.token}`);
    stock.binaryType = 'nodebuffer';
    const stockTypes: number[] = [];
    stock.on('message', (data: Buffer) => stockTypes.push(data[0]));
    await new Promise((resolve) => stock.once('open', resolve));
    await Promise.all([synced(onA.client), synced(onB.client)]);

    // Requested through A; B's client hears it from the builders' channel, not from A.
    const res = await authed(a.url, owner.token)(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    const { id: buildId } = (await res.json()) as { id: string };

    for (const watcher of [onA, onB]) {
      await eventually(() => expect(statusesOf(watcher.events, buildId)).toEqual(['queued', 'running', 'succeeded']), { timeoutMs: 30_000 });
      const progress = watcher.events.filter((e) => e.type === 'build/progress' && e.buildId === buildId);
      expect(progress.length).toBeGreaterThan(0);
      // Progress comes between running and the end, never after it.
      const last = watcher.events.filter((e) => e.buildId === buildId).at(-1);
      expect(last).toMatchObject({ type: 'build/status', status: 'succeeded', error: null });
    }
    // What the pushes said is what the API says.
    const stored = (await (await authed(b.url, owner.token)(`/api/builds/${buildId}`)).json()) as { status: string; attempts: number };
    expect(stored.status).toBe('succeeded');
    expect(onB.events.find((e) => e.type === 'build/status' && e.status === 'succeeded')).toMatchObject({ attempts: stored.attempts });

    stock.close();
    await new Promise((resolve) => stock.once('close', resolve));
    expect(stockTypes.length).toBeGreaterThan(0);
    expect(stockTypes.filter((t) => t >= 100)).toEqual([]);
  });

  it('a build cancelled before a builder took it is pushed as cancelled to both processes\' clients', async () => {
    const [a, b] = servers;
    // No builder: the build stays queued until it is cancelled.
    await builder?.close();
    builder = null;
    const owner = await signUp(b.url, 'Canceller');
    const id = await createConfig({ url: b.url, token: owner.token }, { name: 'cancelled build', data: { ...VALID_CONFIG } });
    const onA = watch(a.url, owner.token, id);
    const onB = watch(b.url, owner.token, id);
    clients.push(onA.client, onB.client);
    await Promise.all([synced(onA.client), synced(onB.client)]);
    const res = await authed(b.url, owner.token)(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    const { id: buildId } = (await res.json()) as { id: string };
    await eventually(() => expect(statusesOf(onA.events, buildId)).toEqual(['queued']));
    const cancelled = await authed(a.url, owner.token)(`/api/builds/${buildId}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBeLessThan(300);
    for (const watcher of [onA, onB]) {
      await eventually(() => expect(statusesOf(watcher.events, buildId)).toEqual(['queued', 'cancelled']));
    }
    await startBuilder();
  });
});
