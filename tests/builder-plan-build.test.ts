/**
 * A plan build of a valid configuration, end to end on real Postgres and Redis: it succeeds, its
 * artifacts match their recorded checksums and SHA256SUMS, and building the same snapshot again
 * gives byte-identical artifacts. Same content without `force` returns the earlier build.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueBuild, retryBuild } from '../shared/node/builds/build-service.ts';
import { getArtifact, getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { BUILDER_VERSION } from '../shared/builds/version.ts';
import type { Builder } from '../builder/worker.ts';
import {
  buildRequest,
  createBuildsEnv,
  insertConfig,
  planExecutor,
  readStream,
  startTestBuilder,
  type BuildsEnv,
} from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

let env: BuildsEnv;
let builder: Builder;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_plan');
  builder = startTestBuilder(env, planExecutor());
  await builder.start();
});

afterAll(async () => {
  await builder?.close();
  await env?.cleanup();
});

async function waitForStatus(id: string, status: string) {
  return eventually(
    async () => {
      const build = await getBuild(env.db, id);
      expect(build?.status).toBe(status);
      return build!;
    },
    { timeoutMs: 20_000 },
  );
}

async function artifactBytes(buildId: string): Promise<Map<string, Buffer>> {
  const build = (await getBuild(env.db, buildId))!;
  const files = new Map<string, Buffer>();
  for (const info of build.artifacts) {
    const stored = (await getArtifact(env.db, buildId, info.name))!;
    files.set(info.name, await readStream(await env.storage.get(stored.storageKey)));
  }
  return files;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('plan build', () => {
  it('succeeds, with artifacts matching their checksums, byte-identical when built twice', async () => {
    const configId = await insertConfig(env.db, 'My Rock 5B');
    const first = await enqueueBuild(env.service, buildRequest(configId));
    expect(first).toMatchObject({ status: 'queued', deduplicated: false });

    const done = await waitForStatus(first.id, 'succeeded');
    expect(done.progress).toBe(100);
    expect(done.attempts).toBe(1);
    expect(done.executor).toBe('plan');
    expect(done.builderVersion).toBe(BUILDER_VERSION);
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(done.createdAt.getTime());
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
    expect(done.artifacts.map((a) => a.name).sort()).toEqual(
      ['SHA256SUMS', 'boardroom-extra-packages.sh', 'compile-command.txt', 'config-my-rock-5b.conf', 'customize-image.sh', 'manifest.json'].sort(),
    );

    const files = await artifactBytes(first.id);
    for (const info of done.artifacts) {
      const bytes = files.get(info.name)!;
      expect(bytes.length, info.name).toBe(info.size);
      expect(sha256(bytes), info.name).toBe(info.sha256);
    }
    // SHA256SUMS lists every other artifact with its real checksum.
    const sums = files.get('SHA256SUMS')!.toString('utf8').trim().split('\n');
    expect(sums).toHaveLength(done.artifacts.length - 1);
    for (const line of sums) {
      const [hash, name] = line.split('  ');
      expect(sha256(files.get(name!)!), name).toBe(hash);
    }

    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(manifest).toMatchObject({
      board: 'rock-5b',
      family: 'rockchip-rk3588',
      architecture: 'arm64',
      branch: 'current',
      release: 'trixie',
      kernelVersion: '6.18',
      // No checkout configured here: the image name is not invented (tests/armbian-framework-build.test.ts checks with one).
      predictedImageName: null,
      contentHash: buildRequest(configId).contentHash,
    });
    expect(files.get('compile-command.txt')!.toString('utf8')).toBe(
      "# Reproduces this build: put each file where manifest.json's installTo says, then run\n" +
        './compile.sh my-rock-5b build\n' +
        '# The same settings without the files (leaves out extra lines, customize-image.sh and extensions):\n' +
        '# ./compile.sh build BOARD=rock-5b BRANCH=current RELEASE=trixie BUILD_MINIMAL=no BUILD_DESKTOP=no ' +
        'KERNEL_CONFIGURE=no COMPRESS_OUTPUTIMAGE=sha,img ENABLE_EXTENSIONS=docker-ce,boardroom-extra-packages\n',
    );
    const conf = files.get('config-my-rock-5b.conf')!.toString('utf8');
    expect(conf).toContain('BOARD="rock-5b"\nBRANCH="current"\nRELEASE="trixie"\n');
    expect(files.get('boardroom-extra-packages.sh')!.toString('utf8')).toContain('add_packages_to_image htop vim');
    expect(files.get('customize-image.sh')!.toString('utf8')).not.toContain('apt-get');

    // Stored log: gap-free and ending with the outcome.
    const log = await readBuildLog(env.db, first.id);
    expect(log.map((l) => l.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.at(-1)!.line).toBe('succeeded');

    // The same content again returns the finished build…
    const again = await enqueueBuild(env.service, buildRequest(configId));
    expect(again).toEqual({ id: first.id, status: 'succeeded', deduplicated: true });

    // …unless forced: a new build of the same snapshot, with byte-identical artifacts.
    const forced = await enqueueBuild(env.service, { ...buildRequest(configId), force: true });
    expect(forced.id).not.toBe(first.id);
    await waitForStatus(forced.id, 'succeeded');
    const second = await artifactBytes(forced.id);
    expect([...second.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [name, bytes] of files) expect(second.get(name)!.equals(bytes), name).toBe(true);

    // A retry re-runs the same frozen snapshot as a new build, with the same bytes again.
    const retried = await retryBuild(env.service, first.id);
    const retriedBuild = await waitForStatus(retried.id, 'succeeded');
    expect(retriedBuild.retryOf).toBe(first.id);
    expect(retriedBuild.contentHash).toBe(done.contentHash);
    const third = await artifactBytes(retried.id);
    for (const [name, bytes] of files) expect(third.get(name)!.equals(bytes), name).toBe(true);
  });

  it('fails a configuration it cannot plan, without retrying it', async () => {
    const configId = await insertConfig(env.db, 'broken');
    const queued = await enqueueBuild(env.service, buildRequest(configId, { BOARD: 'no-such-board', BRANCH: 'current', RELEASE: 'trixie' }));
    const failed = await waitForStatus(queued.id, 'failed');
    expect(failed.error).toMatch(/unknown board no-such-board/);
    expect(failed.attempts).toBe(1);
    expect(failed.finishedAt).not.toBeNull();
  });
});
