/**
 * Every build starts with the framework check (here the real framework beside the repository):
 * a plan build of a valid configuration records what the framework resolved (IMAGE_FILE_ID,
 * kernel, LINUXFAMILY, BOOTCONFIG, artifact inputs, commit) in its manifest, names the image from
 * there, and stays byte-identical when built again; a configuration the framework refuses fails
 * at once as the user's error, with the framework's own words, and is not retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildEnv } from '../builder/executors/build-env.ts';
import { createExecutor } from '../builder/executors/index.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import type { Builder } from '../builder/worker.ts';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getArtifact, getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { BUILDER_VERSION } from '../shared/builds/version.ts';
import { buildRequest, createBuildsEnv, insertConfig, readStream, startTestBuilder, VALID_CONFIG, type BuildsEnv } from './builder-harness.ts';
import { startFrameworkRig, type FrameworkRig } from './framework/framework-rig.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** Framework checks take 2–20 s each, several times that on a loaded machine. */
const BUILD_WAIT_MS = 240_000;

let env: BuildsEnv;
let builder: Builder;
let rig: FrameworkRig;
const facts = loadArmbianFacts();

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'framework_build');
  rig = await startFrameworkRig(2);
  builder = startTestBuilder(env, createExecutor({ name: 'plan', facts, builderVersion: BUILDER_VERSION, buildEnv: createBuildEnv({}), judge: rig.judge }));
  await builder.start();
});

afterAll(async () => {
  await builder?.close();
  await rig?.close();
  await env?.cleanup();
});

const waitForStatus = (id: string, status: string) =>
  eventually(
    async () => {
      const build = await getBuild(env.db, id);
      expect(build?.status).toBe(status);
      return build!;
    },
    { timeoutMs: BUILD_WAIT_MS },
  );

async function artifact(buildId: string, name: string): Promise<Buffer> {
  const stored = (await getArtifact(env.db, buildId, name))!;
  return readStream(await env.storage.get(stored.storageKey));
}

describe('framework check as the first step of a build', () => {
  it('records what the framework resolved, and stays byte-identical', async () => {
    const configId = await insertConfig(env.db, 'My Rock 5B');
    const first = await enqueueBuild(env.service, buildRequest(configId));
    const forced = await enqueueBuild(env.service, { ...buildRequest(configId), force: true });
    const [a, b] = await Promise.all([waitForStatus(first.id, 'succeeded'), waitForStatus(forced.id, 'succeeded')]);
    const manifest = JSON.parse((await artifact(a.id, 'manifest.json')).toString('utf8'));
    expect(manifest.framework).toMatchObject({
      check: 'accepted',
      commit: facts.framework.commit,
      factsCommit: facts.framework.commit,
      version: '26.08.0-trunk',
    });
    expect(manifest.framework.resolved).toMatchObject({
      IMAGE_FILE_ID: 'Rock-5b_trixie_current_6.18.y',
      KERNEL_MAJOR_MINOR: '6.18',
      LINUXFAMILY: 'rockchip64', // the family file says rockchip-rk3588; its include sets the kernel's LINUXFAMILY
      ARCH: 'arm64',
    });
    expect(manifest.framework.resolved.BOOTCONFIG).toMatch(/_defconfig$/);
    expect(manifest.framework.resolved.artifactInputs.kernel).toContain('KERNEL_MAJOR_MINOR=6.18');
    // The extra packages went through the framework's add_packages_to_image.
    expect(manifest.framework.resolved.EXTRA_PACKAGES_IMAGE).toEqual(expect.arrayContaining([...VALID_CONFIG.extraPackages]));
    expect(manifest.kernelVersion).toBe('6.18');
    expect(manifest.predictedImageName).toBe('Armbian-unofficial_26.08.0-trunk_Rock-5b_trixie_current_6.18.y.img');
    expect(JSON.stringify(manifest)).not.toMatch(/\/tmp\/|boardroom-framework-/);
    for (const info of a.artifacts) {
      expect((await artifact(b.id, info.name)).equals(await artifact(a.id, info.name)), info.name).toBe(true);
    }
    const log = (await readBuildLog(env.db, a.id)).map((l) => l.line);
    expect(log.some((l) => l.startsWith('framework accepted it'))).toBe(true);
  }, BUILD_WAIT_MS + 30_000);

  it("fails a configuration the framework refuses, in the framework's words, without retrying", async () => {
    const configId = await insertConfig(env.db, 'typo');
    const queued = await enqueueBuild(env.service, buildRequest(configId, { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', ENABLE_EXTENSIONS: ['docker'] }, 'typo'));
    const failed = await waitForStatus(queued.id, 'failed');
    expect(failed.error).toMatch(/^the Armbian framework refused this configuration: .*cant find extension 'docker'/);
    expect(failed.attempts).toBe(1);
    expect(failed.artifacts).toEqual([]);
  }, BUILD_WAIT_MS + 30_000);
});
