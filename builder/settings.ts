/**
 * Builder settings from environment variables, and a builder made from them. The environment is
 * passed in by an entry file (`builder/main.ts`, or `npm start`'s launcher running the builder in
 * the server process); nothing here reads `process.env`.
 *
 *   KEY_PREFIX         prefix of every Redis key and channel, default "boardroom:"
 *   ARTIFACTS_DIR      where artifacts are stored, default <dataDir>/artifacts (share it with the server)
 *   BUILD_EXECUTOR     plan (default) | armbian
 *   ARMBIAN_DIR        Armbian build checkout, required for BUILD_EXECUTOR=armbian
 *   ARMBIAN_REF        commit, tag or branch of ARMBIAN_DIR real builds copy (a git checkout);
 *                      empty: the checkout as it is
 *   ARMBIAN_BUILD_UID  user real builds run the framework as when the builder is root; default
 *                      65534 (nobody). Never 0. ARMBIAN_BUILD_GID: its group, default the same number
 *   BUILD_CONCURRENCY  builds at once, default 4 for plan, 1 for armbian
 *   BUILD_TIMEOUT_MS   default 10 minutes for plan, 6 hours for armbian
 *   BUILD_WORK_DIR     scratch space for running builds, default <tmpdir>/boardroom-builds
 *   ARMBIAN_CACHE_DIR  the framework's cache/ (downloads, rootfs caches, ccache) shared by the real
 *                      builds of this builder; default <BUILD_WORK_DIR>/armbian-cache
 *   BUILD_ENV_PASSTHROUGH  names of builder environment variables builds may see on top of the
 *                      allow-list (comma or space separated, e.g. "http_proxy https_proxy"); empty
 *                      by default — see executors/build-env.ts
 *   ARMBIAN_CHECK_UID  user (uid = gid) the framework check runs compile.sh as; default 65534
 *                      (nobody) when the builder runs as root, itself otherwise
 *
 * With ARMBIAN_DIR set, every build (either executor) starts with the framework check and the
 * builder answers "Check with Armbian" requests; without it plan builds skip the check with a
 * manifest warning and the editor's check says it is unavailable.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import type { BuildsDb } from '../shared/node/builds/db.ts';
import { blobFetcherFor } from './blob-fetch.ts';
import { buildKeys, DEFAULT_KEY_PREFIX } from '../shared/builds/keys.ts';
import { BUILDER_VERSION } from '../shared/builds/version.ts';
import { createBuildEnv, parseBuildEnvPassthrough } from './executors/build-env.ts';
import { createSealer } from '../shared/node/secrets/sealed.ts';
import { createExecutor } from './executors/index.ts';
import type { BuildUser } from './executors/workspace.ts';
import type { FrameworkJudge } from './framework-check/checked-plan.ts';
import { createFrameworkChecker } from './framework-check/framework-checker.ts';
import { createFrameworkCheckWorker } from './framework-check/check-worker.ts';
import { frameworkIdentity } from './framework-check/framework-commit.ts';
import { loadArmbianFacts } from './plan/armbian-facts.ts';
import { createObjectStore, readObjectStoreSettings, type ObjectStoreSettings } from '../shared/node/blobs/object-store.ts';
import { DEFAULT_BUILDER_TUNING, createBuilder, type Builder } from './worker.ts';
import { FRAMEWORK_CHECKS_DIR } from './work-dirs.ts';

/** Real Armbian builds compile a kernel and a rootfs: hours, not minutes. */
const ARMBIAN_DEFAULT_TIMEOUT_MS = 6 * 3600_000;
/** Each build has its own workspace, so more could run; but one image build keeps a machine's
 * cores, disk and loop devices busy, and two only take twice as long each. */
const ARMBIAN_DEFAULT_CONCURRENCY = 1;
/** Plan builds take the builder's defaults (see DEFAULT_BUILDER_TUNING for why). */
export const PLAN_DEFAULT_CONCURRENCY = DEFAULT_BUILDER_TUNING.concurrency;
const PLAN_DEFAULT_TIMEOUT_MS = DEFAULT_BUILDER_TUNING.timeoutMs;
export { DEFAULT_KEY_PREFIX };
/** nobody: as root the framework relaunches itself under Docker or sudo, so checks run as this. */
const UNPRIVILEGED_UID = 65534;

/** The framework check for a checkout, or null without one. */
export function frameworkJudge(settings: BuilderSettings): FrameworkJudge | null {
  if (!settings.armbianDir) return null;
  const runAsUid = settings.checkUid ?? (process.getuid?.() === 0 ? UNPRIVILEGED_UID : null);
  return {
    checker: createFrameworkChecker({ armbianDir: settings.armbianDir, workRoot: path.join(settings.workDir, FRAMEWORK_CHECKS_DIR), runAsUid }),
    identity: frameworkIdentity(settings.armbianDir),
  };
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface BuilderSettings {
  keyPrefix: string;
  artifactsDir: string;
  executor: string;
  armbianDir: string | undefined;
  concurrency: number;
  timeoutMs: number;
  workDir: string;
  /** Extra variable names builds may see (BUILD_ENV_PASSTHROUGH). */
  buildEnvPassthrough: string[];
  /** Null: 65534 when running as root, else the builder's own user. */
  checkUid: number | null;
  /** ARMBIAN_REF: what real builds copy of ARMBIAN_DIR; null: the checkout as it is. */
  armbianRef: string | null;
  /** Who real builds run the framework as when the builder is root. */
  buildUser: BuildUser;
  /** ARMBIAN_CACHE_DIR: the framework's cache/ (downloads, rootfs, ccache) shared by real builds. */
  cacheDir: string;
  /** OBJECT_STORE_URL and the rest: where binary files' bytes are when not in Postgres. */
  objectStore: ObjectStoreSettings | null;
}

/** The build user, or null when the builder is not root (it cannot switch; it runs as itself). */
export function buildUserFor(settings: Pick<BuilderSettings, 'buildUser'>, uid = process.getuid?.()): BuildUser | null {
  return uid === 0 ? settings.buildUser : null;
}

/**
 * What to tell the operator at start-up about ARMBIAN_BUILD_UID/GID: they only apply to a root
 * builder (which switches to that user); a builder running as another user cannot switch, and
 * runs the framework as itself. Null when there is nothing to say.
 */
export function ignoredBuildUserNotice(env: Env, uid = process.getuid?.()): string | null {
  if (uid === undefined || uid === 0) return null;
  const set = ['ARMBIAN_BUILD_UID', 'ARMBIAN_BUILD_GID'].filter((name) => env[name] !== undefined && env[name] !== '');
  if (set.length === 0) return null;
  return `${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} ignored: the builder runs as uid ${uid}, not root, so it cannot switch users and real builds run the framework as uid ${uid}. Run the builder as root to use ${set.join('/')}, or unset ${set.length > 1 ? 'them' : 'it'}.`;
}

function buildUserFrom(env: Env): BuildUser {
  const uid = positiveInt(env, 'ARMBIAN_BUILD_UID', UNPRIVILEGED_UID);
  return { uid, gid: positiveInt(env, 'ARMBIAN_BUILD_GID', uid) };
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** `dataDir` is where the deployment keeps its files (DATA_DIR, default ./data). */
export function readBuilderSettings(env: Env, dataDir = './data'): BuilderSettings {
  const executor = env.BUILD_EXECUTOR || 'plan';
  const armbian = executor === 'armbian';
  return {
    keyPrefix: env.KEY_PREFIX ?? DEFAULT_KEY_PREFIX,
    artifactsDir: path.resolve(env.ARTIFACTS_DIR || path.join(dataDir, 'artifacts')),
    executor,
    armbianDir: env.ARMBIAN_DIR || undefined,
    concurrency: positiveInt(env, 'BUILD_CONCURRENCY', armbian ? ARMBIAN_DEFAULT_CONCURRENCY : PLAN_DEFAULT_CONCURRENCY),
    timeoutMs: positiveInt(env, 'BUILD_TIMEOUT_MS', armbian ? ARMBIAN_DEFAULT_TIMEOUT_MS : PLAN_DEFAULT_TIMEOUT_MS),
    workDir: path.resolve(env.BUILD_WORK_DIR || path.join(tmpdir(), 'boardroom-builds')),
    buildEnvPassthrough: parseBuildEnvPassthrough(env.BUILD_ENV_PASSTHROUGH),
    checkUid: env.ARMBIAN_CHECK_UID ? positiveInt(env, 'ARMBIAN_CHECK_UID', UNPRIVILEGED_UID) : null,
    armbianRef: env.ARMBIAN_REF || null,
    // positiveInt refuses 0: the framework never runs as root on the host.
    buildUser: buildUserFrom(env),
    cacheDir: path.resolve(env.ARMBIAN_CACHE_DIR || path.join(env.BUILD_WORK_DIR || path.join(tmpdir(), 'boardroom-builds'), 'armbian-cache')),
    objectStore: readObjectStoreSettings({
      url: env.OBJECT_STORE_URL,
      bucket: env.OBJECT_STORE_BUCKET,
      region: env.OBJECT_STORE_REGION,
      accessKeyId: env.OBJECT_STORE_ACCESS_KEY_ID,
      secretAccessKey: env.OBJECT_STORE_SECRET_ACCESS_KEY,
    }),
  };
}

export interface BuilderRuntime {
  db: BuildsDb;
  /** A normal connection (not in subscriber mode); not closed by the builder. */
  redis: Redis;
  logger: Logger;
  /** The builder's environment: builds see only the allow-listed part of it (`build-env.ts`). */
  env: Env;
  /** SECRETS_KEY, the servers' key: opens the first-boot secrets of builds (docs/security.md,
   * "First-boot secrets"). Absent: builds that use secrets fail, saying so. */
  secretsKey?: string | null;
}

export function createBuilderFromSettings(runtime: BuilderRuntime, settings: BuilderSettings): Builder {
  const ignored = ignoredBuildUserNotice(runtime.env);
  if (ignored) runtime.logger.warn({ setting: 'ARMBIAN_BUILD_UID' }, ignored);
  const judge = frameworkJudge(settings);
  const facts = loadArmbianFacts();
  const keys = buildKeys(settings.keyPrefix);
  const builder = createBuilder({
    db: runtime.db,
    redis: runtime.redis,
    keys,
    logger: runtime.logger,
    executor: createExecutor({
      name: settings.executor,
      facts,
      builderVersion: BUILDER_VERSION,
      armbianDir: settings.armbianDir,
      armbianRef: settings.armbianRef,
      buildUser: buildUserFor(settings),
      cacheDir: settings.cacheDir,
      buildEnv: createBuildEnv(runtime.env, settings.buildEnvPassthrough),
      judge,
    }),
    storage: createLocalArtifactStorage(settings.artifactsDir),
    workRoot: settings.workDir,
    tuning: { concurrency: settings.concurrency, timeoutMs: settings.timeoutMs },
    sealer: runtime.secretsKey ? createSealer(runtime.secretsKey) : null,
    objects: settings.objectStore ? createObjectStore(settings.objectStore) : null,
  });
  if (!judge) {
    runtime.logger.info('no Armbian checkout (ARMBIAN_DIR): builds are not checked by the framework, and "Check with Armbian" is unavailable');
    return builder;
  }
  // "Check with Armbian" from the editor, answered next to the builds.
  const checks = createFrameworkCheckWorker({
    redis: runtime.redis,
    keys,
    judge,
    facts,
    builderVersion: BUILDER_VERSION,
    logger: runtime.logger,
    workerName: `builder-${process.pid}`,
    blobsOf: (configId) => blobFetcherFor(runtime.db, configId),
  });
  return {
    ...builder,
    async start() {
      await builder.start();
      await checks.start();
    },
    async close() {
      await checks.close();
      await builder.close();
    },
  };
}
