/**
 * Real Postgres and Redis for the builder tests and the builds benchmark: a fresh database with
 * the project's migrations, a random Redis key prefix, and the build service wired to both.
 */
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import type { ArtifactStorage } from '../shared/node/builds/artifact-storage.ts';
import type { BuildServiceDeps } from '../shared/node/builds/build-service.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { buildKeys, type BuildKeys } from '../shared/builds/keys.ts';
import { createBuildQueue, type BuildQueue } from '../shared/node/builds/queue.ts';
import { BUILDER_VERSION } from '../shared/builds/version.ts';
import { contentHash } from '../shared/node/content-hash.ts';
import { configs } from '../shared/node/db/schema.ts';
import { createBuildEnv } from '../builder/executors/build-env.ts';
import { createExecutor } from '../builder/executors/index.ts';
import type { Executor } from '../builder/executors/types.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { createBuilder, type Builder, type BuilderDeps, type BuilderTuning } from '../builder/worker.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const FAKE_ARMBIAN_DIR = path.join(ROOT, 'tests/fixtures/fake-armbian');

export interface BuildsEnv {
  testDb: TestDatabase;
  database: Database;
  db: BuildsDb;
  redis: Redis;
  keys: BuildKeys;
  queue: BuildQueue;
  service: BuildServiceDeps;
  artifactsDir: string;
  storage: ArtifactStorage;
  tmp: string;
  logger: Logger;
  cleanup(): Promise<void>;
}

export async function createBuildsEnv(logger: Logger, label = 'builder'): Promise<BuildsEnv> {
  const tmp = await mkdtemp(path.join(tmpdir(), `${label}-`));
  // Real-build frameworks run as nobody when the tests run as root: they must reach their
  // workspaces under here, and the stand-in compile.sh writes its pid files here.
  await chmod(tmp, 0o1777);
  const testDb = await createTestDatabase(label.replace(/[^a-z0-9_]/g, '_'), { migrated: true });
  const database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
  const db = database.db as BuildsDb;
  const redis = new Redis(REDIS_URL);
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  const keys = buildKeys(prefix);
  const queue = createBuildQueue(redis, keys);
  const artifactsDir = path.join(tmp, 'artifacts');
  const storage = createLocalArtifactStorage(artifactsDir);
  return {
    testDb,
    database,
    db,
    redis,
    keys,
    queue,
    service: { db, queue, redis, keys, logger },
    artifactsDir,
    storage,
    tmp,
    logger,
    async cleanup() {
      await queue.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
      await database.close();
      await testDb.drop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
}

export function planExecutor(): Executor {
  return createExecutor({ name: 'plan', facts: loadArmbianFacts(), builderVersion: BUILDER_VERSION, buildEnv: createBuildEnv({}) });
}

/** A started builder with the plan executor beside a test server, on its own Redis connection. */
export interface PlanBuilder {
  builder: Builder;
  /** Stops the builder and drops its Redis connection. */
  close(): Promise<void>;
}

/**
 * The builder most server tests run beside their server: the plan executor, artifacts stored in
 * `artifactsDir` (the server's, so its artifact routes serve them), work under `workRoot`, and
 * the server's key prefix. `overrides` replaces any other part (a logger that captures, a sealer).
 */
export async function startPlanBuilder(
  options: { db: BuilderDeps['db']; keyPrefix: string; artifactsDir: string; workRoot: string; logger: Logger },
  overrides: Partial<BuilderDeps> = {},
): Promise<PlanBuilder> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const builder = createBuilder({
    db: options.db,
    redis,
    keys: buildKeys(options.keyPrefix),
    logger: options.logger,
    executor: planExecutor(),
    storage: createLocalArtifactStorage(options.artifactsDir),
    workRoot: options.workRoot,
    ...overrides,
  });
  await builder.start();
  return {
    builder,
    async close() {
      await builder.close();
      redis.disconnect();
    },
  };
}

/** A private copy of the fake Armbian checkout (the executor writes into userpatches/ and output/). */
export async function fakeArmbianCheckout(tmp: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmp, 'armbian-'));
  await cp(FAKE_ARMBIAN_DIR, dir, { recursive: true });
  return dir;
}

/** The user a root test process runs real-build frameworks as (the builder's default). */
export const TEST_BUILD_USER = { uid: 65534, gid: 65534 };

/** The armbian executor on a (fake) checkout. `env` holds the fake compile.sh's knobs; they are
 * passed through the build allow-list by name, as an operator's BUILD_ENV_PASSTHROUGH would. As
 * root (CI) the framework runs as nobody, as the builder would. */
export function armbianExecutor(
  armbianDir: string,
  env: Record<string, string> = {},
  options: { ref?: string | null; killGraceMs?: number; cacheDir?: string } = {},
): Executor {
  return createExecutor({
    name: 'armbian',
    facts: loadArmbianFacts(),
    builderVersion: BUILDER_VERSION,
    armbianDir,
    armbianRef: options.ref ?? null,
    buildUser: process.getuid?.() === 0 ? TEST_BUILD_USER : null,
    killGraceMs: options.killGraceMs,
    cacheDir: options.cacheDir ?? null,
    buildEnv: createBuildEnv({ PATH: process.env.PATH, ...env }, Object.keys(env)),
  });
}



export function startTestBuilder(
  env: BuildsEnv,
  executor: Executor,
  tuning: Partial<BuilderTuning> = {},
  logger: Logger = env.logger,
): Builder {
  return createBuilder({
    db: env.db,
    redis: env.redis,
    keys: env.keys,
    logger,
    executor,
    storage: env.storage,
    workRoot: path.join(env.tmp, 'work'),
    tuning: { stalledIntervalMs: 500, sweepIntervalMs: 1_000, cancelPollIntervalMs: 500, ...tuning },
  });
}

export const VALID_CONFIG = {
  BOARD: 'rock-5b',
  BRANCH: 'current',
  RELEASE: 'trixie',
  BUILD_MINIMAL: 'no',
  BUILD_DESKTOP: 'no',
  KERNEL_CONFIGURE: 'no',
  COMPRESS_OUTPUTIMAGE: ['sha', 'img'],
  ENABLE_EXTENSIONS: ['docker-ce'],
  timezone: 'Europe/Berlin',
  extraPackages: ['htop', 'vim'],
  customizeScript: 'echo "customising $3"\n',
  description: 'test image',
} as const;

export async function insertConfig(db: BuildsDb, name: string): Promise<string> {
  const rows = await db.insert(configs).values({ name }).returning({ id: configs.id });
  return rows[0]!.id;
}

export function buildRequest(configId: string, config: Record<string, unknown> = { ...VALID_CONFIG }, name = 'My Rock 5B') {
  return {
    configId,
    configName: name,
    configJson: config,
    yjsState: new Uint8Array([0, 0]),
    schemaVersion: '1',
    contentHash: contentHash(config),
  };
}

export async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
