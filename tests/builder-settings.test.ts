/** The builder's environment settings: per-executor defaults, and clear refusals of bad values. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuildEnv } from '../builder/executors/build-env.ts';
import { createExecutor } from '../builder/executors/index.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { buildUserFor, ignoredBuildUserNotice, readBuilderSettings } from '../builder/settings.ts';

describe('builder settings', () => {
  it('defaults to the plan executor, several at a time, artifacts under the data directory', () => {
    const settings = readBuilderSettings({}, '/srv/boardroom');
    expect(settings).toMatchObject({
      executor: 'plan',
      keyPrefix: 'boardroom:',
      artifactsDir: path.resolve('/srv/boardroom/artifacts'),
      concurrency: 4,
      timeoutMs: 600_000,
    });
  });

  it('runs one armbian build at a time with an hours-long timeout, unless told otherwise', () => {
    expect(readBuilderSettings({ BUILD_EXECUTOR: 'armbian', ARMBIAN_DIR: '/build' })).toMatchObject({
      executor: 'armbian',
      armbianDir: '/build',
      concurrency: 1,
      timeoutMs: 6 * 3600_000,
    });
    expect(readBuilderSettings({ BUILD_EXECUTOR: 'armbian', BUILD_CONCURRENCY: '2', BUILD_TIMEOUT_MS: '5000' })).toMatchObject({
      concurrency: 2,
      timeoutMs: 5000,
    });
  });

  it('pins the framework with ARMBIAN_REF and runs it as nobody when the builder is root, never as root', () => {
    const settings = readBuilderSettings({ BUILD_EXECUTOR: 'armbian', ARMBIAN_DIR: '/build', ARMBIAN_REF: 'v26.02' });
    expect(settings).toMatchObject({ armbianRef: 'v26.02', buildUser: { uid: 65534, gid: 65534 } });
    expect(readBuilderSettings({ ARMBIAN_BUILD_UID: '1500', ARMBIAN_BUILD_GID: '1600' }).buildUser).toEqual({ uid: 1500, gid: 1600 });
    expect(buildUserFor(settings, 0)).toEqual({ uid: 65534, gid: 65534 });
    // A builder that is not root cannot switch users: the framework runs as the builder.
    expect(buildUserFor(settings, 1000)).toBeNull();
    expect(() => readBuilderSettings({ ARMBIAN_BUILD_UID: '0' })).toThrow(/ARMBIAN_BUILD_UID must be a positive integer/);
    expect(() => readBuilderSettings({ ARMBIAN_BUILD_GID: '0' })).toThrow(/ARMBIAN_BUILD_GID/);
  });

  it('says at start-up that ARMBIAN_BUILD_UID is ignored when the builder is not root, instead of ignoring it silently', () => {
    expect(ignoredBuildUserNotice({ ARMBIAN_BUILD_UID: '1500' }, 1000)).toBe(
      'ARMBIAN_BUILD_UID is ignored: the builder runs as uid 1000, not root, so it cannot switch users and real builds run the framework as uid 1000. Run the builder as root to use ARMBIAN_BUILD_UID, or unset it.',
    );
    expect(ignoredBuildUserNotice({ ARMBIAN_BUILD_UID: '1500', ARMBIAN_BUILD_GID: '1500' }, 1000)).toMatch(/^ARMBIAN_BUILD_UID and ARMBIAN_BUILD_GID are ignored/);
    expect(ignoredBuildUserNotice({ ARMBIAN_BUILD_UID: '1500' }, 0)).toBeNull();
    expect(ignoredBuildUserNotice({}, 1000)).toBeNull();
  });

  it('refuses nonsense numbers and unknown or incomplete executors', () => {
    expect(() => readBuilderSettings({ BUILD_CONCURRENCY: '0' })).toThrow(/BUILD_CONCURRENCY must be a positive integer/);
    expect(() => readBuilderSettings({ BUILD_TIMEOUT_MS: 'soon' })).toThrow(/BUILD_TIMEOUT_MS/);
    const facts = loadArmbianFacts();
    expect(() => createExecutor({ name: 'docker', facts, builderVersion: '1', buildEnv: createBuildEnv({}) })).toThrow(/unknown executor docker/);
    expect(() => createExecutor({ name: 'armbian', facts, builderVersion: '1', buildEnv: createBuildEnv({}) })).toThrow(/ARMBIAN_DIR/);
  });
});
