/**
 * Identical builds requested at the same moment on two processes give one build. Each process has
 * its own database pool and Redis connection (as two servers do); the unique index on active
 * builds settles the race, where a select-then-insert let both requests insert.
 */
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { enqueueBuild, type BuildServiceDeps } from '../shared/node/builds/build-service.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { createBuildQueue } from '../shared/node/builds/queue.ts';
import { buildJobs } from '../shared/node/db/builds-schema.ts';
import { buildRequest, createBuildsEnv, insertConfig, REDIS_URL, VALID_CONFIG, type BuildsEnv } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';

/** Pairs of simultaneous identical requests; the old code duplicated about half of them. */
const PAIRS = 16;

describe('racing identical builds', () => {
  let env: BuildsEnv;
  let other: { database: Database; redis: Redis; service: BuildServiceDeps };

  beforeAll(async () => {
    env = await createBuildsEnv(testLogger(), 'dedupe_race');
    const database = await openDatabase({ databaseUrl: env.testDb.url, dataDir: 'memory://', migrate: false });
    const redis = new Redis(REDIS_URL);
    const db = database.db as BuildsDb;
    other = { database, redis, service: { db, queue: createBuildQueue(redis, env.keys), redis, keys: env.keys, logger: env.logger } };
  });
  afterAll(async () => {
    await other.service.queue.close();
    await other.redis.quit();
    await other.database.close();
    await env.cleanup();
  });

  it('two processes asking for the same content at once share one build', async () => {
    const configId = await insertConfig(env.db, 'race');
    for (let i = 0; i < PAIRS; i++) {
      const request = buildRequest(configId, { ...VALID_CONFIG, EXTRA_PACKAGES_HINT: `pair-${i}` } as Record<string, unknown>);
      const [a, b] = await Promise.all([enqueueBuild(env.service, request), enqueueBuild(other.service, request)]);
      expect(a.id, `pair ${i}`).toBe(b.id);
      expect([a.deduplicated, b.deduplicated].sort()).toEqual([false, true]);
      const rows = await env.db
        .select({ id: buildJobs.id })
        .from(buildJobs)
        .where(and(eq(buildJobs.configId, configId), eq(buildJobs.contentHash, request.contentHash)));
      expect(rows, `pair ${i}`).toHaveLength(1);
    }
  });

  it('a forced build still adds a build beside an active one', async () => {
    const configId = await insertConfig(env.db, 'forced');
    const request = buildRequest(configId);
    const first = await enqueueBuild(env.service, request);
    const [forced, again] = await Promise.all([
      enqueueBuild(other.service, { ...request, force: true }),
      enqueueBuild(env.service, request),
    ]);
    expect(forced.id).not.toBe(first.id);
    expect(forced.deduplicated).toBe(false);
    // The unforced request reuses a build of that content (the first, or the forced one if it
    // was already there: both build exactly this snapshot).
    expect(again.deduplicated).toBe(true);
    expect([first.id, forced.id]).toContain(again.id);
  });
});
