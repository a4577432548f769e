/** The builder's environment settings: per-executor defaults, and clear refusals of bad values. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBuildEnv } from '../builder/executors/build-env.ts';
import { createExecutor } from '../builder/executors/index.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { readBuilderSettings } from '../builder/settings.ts';

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

  it('refuses nonsense numbers and unknown or incomplete executors', () => {
    expect(() => readBuilderSettings({ BUILD_CONCURRENCY: '0' })).toThrow(/BUILD_CONCURRENCY must be a positive integer/);
    expect(() => readBuilderSettings({ BUILD_TIMEOUT_MS: 'soon' })).toThrow(/BUILD_TIMEOUT_MS/);
    const facts = loadArmbianFacts();
    expect(() => createExecutor({ name: 'docker', facts, builderVersion: '1', buildEnv: createBuildEnv({}) })).toThrow(/unknown executor docker/);
    expect(() => createExecutor({ name: 'armbian', facts, builderVersion: '1', buildEnv: createBuildEnv({}) })).toThrow(/ARMBIAN_DIR/);
  });
});
