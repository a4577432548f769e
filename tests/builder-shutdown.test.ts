/**
 * A builder told to stop (SIGTERM → `builder.close()`, see builder/main.ts) while a build runs
 * hands the build back after its grace period: another builder then runs it to success. It is
 * never left `running` and never marked failed for the shutdown.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { armbianExecutor, buildRequest, createBuildsEnv, fakeArmbianCheckout, insertConfig, startTestBuilder, type BuildsEnv } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** Short grace so the test does not wait the production 10 s. */
const GRACE_MS = 300;
/** SIGTERM → SIGKILL of the hanging stand-in (which ignores SIGTERM): the production 8 s would be
 * most of this test's time, and a share of its step bound on a loaded machine. */
const KILL_GRACE_MS = 500;
/** Its own waits are bounded at 70 s on a machine busy with other test files (20 s for the
 * first attempt to run, 20 s for its framework process to start, 30 s for the rescue), beyond
 * the 60 s default; quiet, it takes 7 s. */
const TEST_TIMEOUT_MS = 120_000;
/** A builder's start or stop that takes longer is a hang: named, rather than the test's timeout. */
const STEP_BOUND_MS = 40_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function within<T>(what: string, step: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${STEP_BOUND_MS} ms`)), STEP_BOUND_MS);
  });
  return Promise.race([step, late]).finally(() => clearTimeout(timer));
}

describe('builder shutdown mid-build', () => {
  let env: BuildsEnv;
  beforeAll(async () => {
    env = await createBuildsEnv(testLogger(), 'builder_shutdown');
  });
  afterAll(() => env?.cleanup());

  it('hands the running build back, and another builder finishes it', async () => {
    const hanging = await fakeArmbianCheckout(env.tmp);
    const pidFile = `${env.tmp}/shutdown.pid`;
    const leaving = startTestBuilder(env, armbianExecutor(hanging, { FAKE_ARMBIAN_HANG: '1', FAKE_ARMBIAN_PIDFILE: pidFile }, { killGraceMs: KILL_GRACE_MS }), {
      shutdownGraceMs: GRACE_MS,
    });
    await within('the first builder\'s start', leaving.start());
    const configId = await insertConfig(env.db, 'shutdown');
    const { id } = await enqueueBuild(env.service, buildRequest(configId));
    await eventually(async () => expect((await getBuild(env.db, id))?.status).toBe('running'), { timeoutMs: 20_000 });
    // "running" is set when the job is claimed; the framework process starts after the set-up.
    // Close once it runs (it wrote its pid), or there is no process to hand back from.
    const hungPid = await eventually(
      async () => {
        const pid = Number((await readFile(pidFile, 'utf8')).trim());
        expect(pid).toBeGreaterThan(0);
        return pid;
      },
      { timeoutMs: 20_000 },
    );

    await within('the first builder\'s close (handing the running build back)', leaving.close());
    const afterClose = await getBuild(env.db, id);
    expect(afterClose?.status).not.toBe('running');
    expect(afterClose?.status).not.toBe('failed');
    // The stand-in ignores SIGTERM; the builder's SIGKILL ended it: nothing of the build runs on.
    expect(isAlive(hungPid), `the framework process ${hungPid} outlived the builder`).toBe(false);

    const checkout = await fakeArmbianCheckout(env.tmp);
    const rescuer = startTestBuilder(env, armbianExecutor(checkout));
    await within('the second builder\'s start', rescuer.start());
    try {
      const done = await eventually(
        async () => {
          const b = await getBuild(env.db, id);
          expect(b?.status).toBe('succeeded');
          return b!;
        },
        { timeoutMs: 30_000 },
      );
      expect(done.attempts).toBe(2);
      expect((await readBuildLog(env.db, id)).length).toBeGreaterThan(0);
    } finally {
      await within('the second builder\'s close', rescuer.close());
    }
  }, TEST_TIMEOUT_MS);
});
