/**
 * Health that means something: a server is ready when it can serve editing (Postgres answers a
 * real query; Redis answers when it is configured). Whether a builder listens is reported beside
 * it and on /health/builder, and never makes a server unready: otherwise a load balancer would pull
 * every editing server out whenever the builders are away.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuilder } from '../builder/worker.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { armbianExecutor, planExecutor, REDIS_URL } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { startTestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

interface Readiness {
  status: string;
  checks: Record<string, string>;
  builder: string;
}

describe('health', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });

  it('a server without any builder is ready, and says the builder is absent', async () => {
    const keyPrefix = `health-${randomBytes(4).toString('hex')}:`;
    const server = await startTestServer({ redisUrl: REDIS_URL, keyPrefix });
    cleanups.push(() => server.cleanup());

    const ready = await fetch(`${server.url}/health/ready`);
    const body = (await ready.json()) as Readiness;
    expect({ status: ready.status, body }).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'ok', redis: 'ok' }, builder: 'absent' },
    });
    const builderHealth = await fetch(`${server.url}/health/builder`);
    expect(builderHealth.status).toBe(503);
    expect(((await builderHealth.json()) as { builder: string }).builder).toBe('absent');

    // A builder joins: it is reported present, readiness is unchanged.
    const tmp = await mkdtemp(path.join(tmpdir(), 'health-builder-'));
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const builder = createBuilder({
      db: server.database.db as BuildsDb,
      redis,
      keys: buildKeys(keyPrefix),
      logger: testLogger(),
      executor: planExecutor(),
      storage: createLocalArtifactStorage(path.join(tmp, 'artifacts')),
      workRoot: path.join(tmp, 'work'),
    });
    cleanups.push(async () => {
      await builder.close();
      redis.disconnect();
      await rm(tmp, { recursive: true, force: true });
    });
    await builder.start();
    await eventually(async () => {
      const res = await fetch(`${server.url}/health/builder`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { builder: string }).builder).toBe('present');
    });
    const after = (await (await fetch(`${server.url}/health/ready`)).json()) as Readiness;
    expect(after).toMatchObject({ status: 'ready', builder: 'present' });
  });

  it('a builder whose framework checkout is broken says why on /health/builder, and is not counted', async () => {
    const keyPrefix = `health-${randomBytes(4).toString('hex')}:`;
    const server = await startTestServer({ redisUrl: REDIS_URL, keyPrefix });
    cleanups.push(() => server.cleanup());
    const tmp = await mkdtemp(path.join(tmpdir(), 'health-setup-'));
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const missing = path.join(tmp, 'no-checkout');
    const builder = createBuilder({
      db: server.database.db as BuildsDb,
      redis,
      keys: buildKeys(keyPrefix),
      logger: testLogger(),
      executor: armbianExecutor(missing),
      storage: createLocalArtifactStorage(path.join(tmp, 'artifacts')),
      workRoot: path.join(tmp, 'work'),
      workerName: 'broken-builder',
    });
    cleanups.push(async () => {
      await builder.close();
      redis.disconnect();
      await rm(tmp, { recursive: true, force: true });
    });
    await builder.start();
    const res = await fetch(`${server.url}/health/builder`);
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 503,
      body: { builder: 'absent', reason: `no builder can build: builder broken-builder: ARMBIAN_DIR ${missing} does not exist` },
    });
    // Editing does not depend on it.
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
  });

  it('a server running alone (no Redis) is ready on Postgres alone', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.cleanup());
    const ready = await fetch(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await ready.json()) as Readiness).toEqual({ status: 'ready', checks: { postgres: 'ok' }, builder: 'not_configured' });
  });
});
