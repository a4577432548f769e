/**
 * The `armbian` executor against a fake `compile.sh` (tests/fixtures/fake-armbian): it runs with
 * SHOW_LOG=yes and the plan's arguments, streams output into the log, turns stage lines into
 * progress, and collects the image with its .sha and .txt. A failing compile.sh fails the build.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueBuild } from '../shared/builds/build-service.ts';
import { createBuildEventHub } from '../shared/builds/event-hub.ts';
import type { BuildEvent } from '../shared/builds/events.ts';
import { getArtifact, getBuild, readBuildLog } from '../shared/builds/read.ts';
import type { Builder } from '../builder/worker.ts';
import {
  armbianExecutor,
  buildRequest,
  createBuildsEnv,
  fakeArmbianCheckout,
  insertConfig,
  readStream,
  startTestBuilder,
  type BuildsEnv,
} from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

let env: BuildsEnv;
let builder: Builder;
let checkout: string;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_armbian');
  checkout = await fakeArmbianCheckout(env.tmp);
  builder = startTestBuilder(env, armbianExecutor(checkout));
});

afterAll(async () => {
  await builder?.close();
  await env?.cleanup();
});

describe('armbian executor', () => {
  it('runs compile.sh, streams its log and progress, and collects output/images', async () => {
    const configId = await insertConfig(env.db, 'fake');
    const subscriber = env.redis.duplicate();
    const hub = createBuildEventHub(subscriber, env.keys, env.logger);
    const events: BuildEvent[] = [];
    const request = buildRequest(configId);
    const queued = await enqueueBuild(env.service, request);
    const unsubscribe = await hub.follow(queued.id, (event) => events.push(event));
    // Started only now, so every event of the build is seen.
    await builder.start();
    try {
      const build = await eventually(
        async () => {
          const b = await getBuild(env.db, queued.id);
          expect(b?.status).toBe('succeeded');
          return b!;
        },
        { timeoutMs: 30_000 },
      );
      const name = 'Armbian-unofficial_26.02.0-trunk_Rock-5b_trixie_current_6.18.1.img';
      const names = build.artifacts.map((a) => a.name);
      expect(names).toEqual(expect.arrayContaining([name, `${name}.sha`, `${name}.txt`, 'manifest.json', 'SHA256SUMS']));

      // The image's bytes match the .sha compile.sh wrote and the checksum recorded for it.
      const image = await readStream(await env.storage.get((await getArtifact(env.db, queued.id, name))!.storageKey));
      const sha = await readStream(await env.storage.get((await getArtifact(env.db, queued.id, `${name}.sha`))!.storageKey));
      const digest = createHash('sha256').update(image).digest('hex');
      expect(sha.toString('utf8')).toContain(digest);
      expect(build.artifacts.find((a) => a.name === name)).toMatchObject({ size: 1_048_576, sha256: digest });
      // Moved out of the checkout once stored.
      expect(await readdir(path.join(checkout, 'output/images'))).toEqual([]);
      // The plan's files were installed where the framework reads them.
      expect(await readFile(path.join(checkout, 'userpatches/config-my-rock-5b.conf'), 'utf8')).toContain('BOARD="rock-5b"');
      expect(existsSync(path.join(checkout, 'userpatches/customize-image.sh'))).toBe(true);

      const log = await readBuildLog(env.db, queued.id);
      const lines = log.map((l) => l.line);
      expect(lines).toContain('[🌱] Preparing host'); // ANSI colour stripped
      expect(lines).toContain('  CC      drivers/fake/file20.o');
      expect(log.find((l) => l.line === 'warning: this is a fake build')?.stream).toBe('stderr');
      expect(lines.some((l) => l.startsWith('$ ./compile.sh build BOARD=rock-5b BRANCH=current RELEASE=trixie'))).toBe(true);

      expect(events[0]).toMatchObject({ type: 'status', status: 'running', attempts: 1 });
      await eventually(() => {
        const stages = events.filter((e) => e.type === 'progress').map((e) => (e as { stage: string }).stage);
        expect(stages).toEqual(expect.arrayContaining(['kernel', 'rootfs', 'image']));
        expect(events.at(-1)).toMatchObject({ type: 'status', status: 'succeeded' });
      });
      const pcts = events.filter((e) => e.type === 'progress').map((e) => (e as { pct: number }).pct);
      expect([...pcts].sort((a, b) => a - b)).toEqual(pcts);
    } finally {
      await unsubscribe();
      await hub.close();
      subscriber.disconnect();
    }
  });

  it('fails the build when compile.sh fails, keeping its output in the log', async () => {
    const failing = await fakeArmbianCheckout(env.tmp);
    const second = startTestBuilder(env, armbianExecutor(failing, { FAKE_ARMBIAN_EXIT: '7' }));
    await builder.close();
    await second.start();
    try {
      const configId = await insertConfig(env.db, 'fails');
      const queued = await enqueueBuild(env.service, buildRequest(configId));
      const build = await eventually(
        async () => {
          const b = await getBuild(env.db, queued.id);
          expect(b?.status).toBe('failed');
          return b!;
        },
        { timeoutMs: 30_000 },
      );
      expect(build.error).toBe('compile.sh exited with 7');
      expect(build.attempts).toBe(1);
      const lines = (await readBuildLog(env.db, queued.id)).map((l) => l.line);
      expect(lines).toContain('error: fake failure');
      expect(lines.at(-1)).toBe('failed: compile.sh exited with 7');
    } finally {
      await second.close();
    }
  });
});
