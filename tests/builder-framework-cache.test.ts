/**
 * The framework's cache outlives a build's workspace: with ARMBIAN_CACHE_DIR, every workspace's
 * `cache/` is that directory, so a rootfs (or a download, or ccache) one build made is used by the
 * next build on the builder, while output/ and userpatches/ stay each build's own. Against the
 * stand-in compile.sh, which keeps a rootfs in cache/rootfs as the framework does.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { armbianExecutor, buildRequest, createBuildsEnv, fakeArmbianCheckout, insertConfig, startTestBuilder, TEST_BUILD_USER, VALID_CONFIG, type BuildsEnv } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

let env: BuildsEnv;
beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_cache');
});
afterAll(async () => {
  await env?.cleanup();
});

const succeeded = (id: string) =>
  eventually(
    async () => {
      const b = await getBuild(env.db, id);
      expect(b?.status).toBe('succeeded');
      return b!;
    },
    { timeoutMs: 60_000 },
  );

describe('the framework cache shared by the builds of a builder', () => {
  it('keeps what one build cached for the next, outside every workspace', async () => {
    const checkout = await fakeArmbianCheckout(env.tmp);
    const cacheDir = path.join(env.tmp, 'armbian-cache');
    const builder = startTestBuilder(env, armbianExecutor(checkout, {}, { cacheDir }));
    await builder.start();
    try {
      const configId = await insertConfig(env.db, 'cache');
      const logOf = async (config: Record<string, unknown>) => {
        const { id } = await enqueueBuild(env.service, buildRequest(configId, config));
        await succeeded(id);
        return (await readBuildLog(env.db, id)).map((l) => l.line).join('\n');
      };
      const cold = await logOf({ ...VALID_CONFIG });
      expect(cold).toContain('Building rootfs for [ trixie ]');
      // Another configuration of the same release: the rootfs comes from the cache.
      const warm = await logOf({ ...VALID_CONFIG, VENDOR: 'warm' });
      expect(warm).toContain('Using cached rootfs');
      expect(warm).not.toContain('Building rootfs for');

      expect(await readdir(path.join(cacheDir, 'rootfs'))).toEqual(['fake-trixie.tar.zst']);
      if (process.getuid?.() === 0) expect((await stat(cacheDir)).uid).toBe(TEST_BUILD_USER.uid);
      // The workspaces themselves are gone; the operator's checkout got no cache.
      expect(existsSync(path.join(checkout, 'cache'))).toBe(false);
    } finally {
      await builder.close();
    }
  });
});
