/**
 * A builder process killed with SIGKILL in the middle of a build never leaves the build stuck
 * as `running`: BullMQ's stalled-job check hands it to another builder, which records the lost
 * attempt and runs it again; past the stall limit the build is marked failed instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { createBuildEventHub } from '../shared/node/builds/event-hub.ts';
import type { BuildEvent } from '../shared/builds/events.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import type { Builder } from '../builder/worker.ts';
import {
  REDIS_URL,
  ROOT,
  armbianExecutor,
  buildRequest,
  createBuildsEnv,
  fakeArmbianCheckout,
  insertConfig,
  startTestBuilder,
  type BuildsEnv,
} from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** The child's BullMQ lock: a killed child's job is free again this long after its last renewal. */
const CHILD_LOCK_MS = 2_000;
/** tsx compiles the builder on the fly; a cold start here takes a few seconds. */
const CHILD_START_TIMEOUT_MS = 30_000;

let env: BuildsEnv;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_crash');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await env?.cleanup();
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function startChildBuilder(checkout: string, pidFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/builder-child.ts'], {
    cwd: ROOT,
    // Its own process group, so the test can kill the builder and everything in it at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: env.testDb.url,
      REDIS_URL,
      KEY_PREFIX: env.keys.prefix,
      ARMBIAN_DIR: checkout,
      ARTIFACTS_DIR: env.artifactsDir,
      BUILD_WORK_DIR: path.join(env.tmp, 'child-work'),
      BUILD_LOCK_MS: String(CHILD_LOCK_MS),
      FAKE_ARMBIAN_HANG: '1',
      FAKE_ARMBIAN_PIDFILE: pidFile,
      BUILD_ENV_PASSTHROUGH: 'FAKE_ARMBIAN_HANG FAKE_ARMBIAN_PIDFILE',
    },
  });
  cleanups.push(() => killGroup(child.pid!));
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child builder did not start: ${stderr.join('')}`)), CHILD_START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'builder ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`child builder exited with ${code}: ${stderr.join('')}`));
    });
  });
  return child;
}

/** Enqueues a build, lets the child builder start it, then SIGKILLs the child mid-build. */
async function buildAndKillBuilder(label: string): Promise<{ id: string; events: BuildEvent[] }> {
  const checkout = await fakeArmbianCheckout(env.tmp);
  const pidFile = path.join(env.tmp, `${label}.pid`);
  cleanups.push(() => rm(pidFile, { force: true }));
  const child = await startChildBuilder(checkout, pidFile);

  const subscriber = env.redis.duplicate();
  const hub = createBuildEventHub(subscriber, env.keys, env.logger);
  cleanups.push(async () => {
    await hub.close();
    subscriber.disconnect();
  });
  const configId = await insertConfig(env.db, label);
  const events: BuildEvent[] = [];
  const queued = await enqueueBuild(env.service, buildRequest(configId));
  await hub.follow('personal', queued.id, (event) => events.push(event));

  const fakePid = await eventually(async () => Number(await readFile(pidFile, 'utf8')), { timeoutMs: 20_000 });
  expect((await getBuild(env.db, queued.id))?.status).toBe('running');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child.pid!);
  // compile.sh runs in its own group (so cancel can reach all of it); an orphan of a dead
  // builder is the host's business, the test just tidies up.
  killGroup(fakePid);
  await exited;
  return { id: queued.id, events };
}

describe('builder killed mid-build', () => {
  it('the build is retried by another builder and succeeds', async () => {
    const { id, events } = await buildAndKillBuilder('retried');
    const checkout = await fakeArmbianCheckout(env.tmp);
    const rescuer: Builder = startTestBuilder(env, armbianExecutor(checkout));
    cleanups.push(() => rescuer.close());
    await rescuer.start();

    const build = await eventually(
      async () => {
        const b = await getBuild(env.db, id);
        expect(b?.status).toBe('succeeded');
        return b!;
      },
      { timeoutMs: 30_000 },
    );
    expect(build.attempts).toBe(2);
    const lines = (await readBuildLog(env.db, id)).map((l) => l.line);
    expect(lines).toContain('attempt 1 was lost (its builder stopped); running it again');
    expect(lines.filter((l) => l.startsWith('attempt 2: executor armbian'))).toHaveLength(1);
    await eventually(() => {
      const statuses = events.filter((e) => e.type === 'status').map((e) => (e as { status: string }).status);
      // The first "running" can be published before the test's subscription is in place (the
      // child builder may claim the job at once); the hand-back and the rescue must be seen.
      expect(['running,queued,running,succeeded', 'queued,running,succeeded']).toContain(statuses.join(','));
    });
  });

  it('past the stall limit the build is marked failed, not left running', async () => {
    const { id } = await buildAndKillBuilder('failed');
    const checkout = await fakeArmbianCheckout(env.tmp);
    // No second chance: the first stall is over the limit.
    const rescuer: Builder = startTestBuilder(env, armbianExecutor(checkout), { maxStalledCount: 0 });
    cleanups.push(() => rescuer.close());
    await rescuer.start();

    const build = await eventually(
      async () => {
        const b = await getBuild(env.db, id);
        expect(b?.status).toBe('failed');
        return b!;
      },
      { timeoutMs: 30_000 },
    );
    expect(build.error).toMatch(/stalled/);
    expect(build.finishedAt).not.toBeNull();
    expect(build.attempts).toBe(1);
  });
});
