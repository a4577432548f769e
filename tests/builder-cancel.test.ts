/**
 * Cancel: a queued build is cancelled at once and never runs; a running build is stopped by the
 * builder that holds it (through the Redis cancel channel, or the `cancel_requested` poll when
 * the message is lost), its compile.sh process group is killed, and it ends `cancelled`.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelBuild, enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { buildJobs } from '../shared/node/db/builds-schema.ts';
import type { Builder } from '../builder/worker.ts';
import {
  armbianExecutor,
  buildRequest,
  createBuildsEnv,
  fakeArmbianCheckout,
  insertConfig,
  planExecutor,
  startTestBuilder,
  type BuildsEnv,
} from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

let env: BuildsEnv;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_cancel');
});

afterAll(async () => {
  await env?.cleanup();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function statusOf(id: string, status: string, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const build = await getBuild(env.db, id);
      expect(build?.status).toBe(status);
      return build!;
    },
    { timeoutMs },
  );
}

describe('cancel', () => {
  it('cancels a queued build at once, and no builder runs it afterwards', async () => {
    const configId = await insertConfig(env.db, 'queued');
    const queued = await enqueueBuild(env.service, buildRequest(configId));
    const state = await cancelBuild(env.service, queued.id);
    expect(state.status).toBe('cancelled');
    expect(await env.queue.getJob(queued.id)).toBeUndefined();

    const builder = startTestBuilder(env, planExecutor());
    await builder.start();
    try {
      // A later build goes through, so the builder is really consuming the queue.
      const other = await enqueueBuild(env.service, { ...buildRequest(configId), force: true });
      await statusOf(other.id, 'succeeded');
      const build = await getBuild(env.db, queued.id);
      expect(build).toMatchObject({ status: 'cancelled', attempts: 0, startedAt: null });
      // Cancelling a finished build changes nothing.
      expect((await cancelBuild(env.service, other.id)).status).toBe('succeeded');
    } finally {
      await builder.close();
    }
  });

  for (const via of ['cancel channel', 'cancel_requested poll'] as const) {
    it(`stops a running build and its compile.sh (${via})`, async () => {
      const checkout = await fakeArmbianCheckout(env.tmp);
      const pidFile = path.join(env.tmp, `fake-${via.replace(/\W/g, '')}.pid`);
      const builder: Builder = startTestBuilder(
        env,
        armbianExecutor(checkout, { FAKE_ARMBIAN_HANG: '1', FAKE_ARMBIAN_PIDFILE: pidFile }),
      );
      await builder.start();
      try {
        const configId = await insertConfig(env.db, via);
        const queued = await enqueueBuild(env.service, buildRequest(configId));
        await statusOf(queued.id, 'running');
        const pid = await eventually(async () => Number(await readFile(pidFile, 'utf8')), { timeoutMs: 15_000 });
        expect(alive(pid)).toBe(true);

        if (via === 'cancel channel') {
          const state = await cancelBuild(env.service, queued.id);
          expect(state).toMatchObject({ status: 'running', cancelRequested: true });
        } else {
          // As if the pub/sub message were lost: only the flag is set.
          await env.db.update(buildJobs).set({ cancelRequested: true }).where(eq(buildJobs.id, queued.id));
        }
        const build = await statusOf(queued.id, 'cancelled');
        expect(build.finishedAt).not.toBeNull();
        expect(alive(pid)).toBe(false);
        expect(builder.running()).toEqual([]);
        const lines = (await readBuildLog(env.db, queued.id)).map((l) => l.line);
        expect(lines).toContain('stopping compile.sh (cancelled)');
        expect(lines.at(-1)).toBe('cancelled');
        expect(existsSync(path.join(checkout, 'output/images'))).toBe(false);
      } finally {
        await builder.close();
        await rm(pidFile, { force: true });
      }
    });
  }
});
