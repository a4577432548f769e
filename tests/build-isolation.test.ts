/**
 * Builds never see the builder's secrets: the builder is made the way the entry files make it
 * (settings and executor from one environment full of secrets), and a stand-in compile.sh prints
 * the environment it was started with and runs the configuration's customize script. Only the
 * allow-listed variables, the operator's pass-through names and a HOME private to the build show.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { ARMBIAN_FIXED_ENV } from '../builder/executors/armbian.ts';
import { BUILD_ENV_FIXED, BUILD_ENV_INHERITED, createBuildEnv, parseBuildEnvPassthrough } from '../builder/executors/build-env.ts';
import { createPlanExecutor } from '../builder/executors/plan.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { BUILDER_VERSION } from '../shared/builds/version.ts';
import type { BuildSnapshot } from '../shared/node/builds/read.ts';
import { createBuilderFromSettings, readBuilderSettings } from '../builder/settings.ts';
import type { Builder } from '../builder/worker.ts';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { buildRequest, createBuildsEnv, fakeArmbianCheckout, insertConfig, VALID_CONFIG, type BuildsEnv } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

const SECRETS = {
  DATABASE_URL: 'postgres://boardroom:db-password@db/boardroom',
  REDIS_URL: 'redis://:redis-password@redis:6379',
  GITHUB_CLIENT_SECRET: 'github-client-secret',
  SECRETS_KEY: 'secrets-key-0123456789abcdef',
  SMTP_URL: 'smtp://user:smtp-password@mail',
  METRICS_TOKEN: 'metrics-token',
};

let env: BuildsEnv;
let builder: Builder;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'build_isolation');
});

afterAll(async () => {
  await builder?.close();
  await env?.cleanup();
});

describe('build environment', () => {
  it('shows a build only the allow-list, the pass-through names and its own HOME', async () => {
    const checkout = await fakeArmbianCheckout(env.tmp);
    const workDir = path.join(env.tmp, 'work');
    // The builder's whole environment, as builder/main.ts or npm start passes process.env in.
    const builderEnv = {
      ...SECRETS,
      PATH: process.env.PATH,
      HOME: homedir(),
      LANG: 'C.UTF-8',
      USER: 'boardroom',
      NODE_OPTIONS: '--max-old-space-size=512',
      KEY_PREFIX: env.keys.prefix,
      ARTIFACTS_DIR: env.artifactsDir,
      BUILD_EXECUTOR: 'armbian',
      ARMBIAN_DIR: checkout,
      BUILD_WORK_DIR: workDir,
      http_proxy: 'http://proxy.internal:3128',
      BUILD_ENV_PASSTHROUGH: 'http_proxy, FAKE_ARMBIAN_PRINT_ENV FAKE_ARMBIAN_RUN_CUSTOMIZE',
      FAKE_ARMBIAN_PRINT_ENV: '1',
      FAKE_ARMBIAN_RUN_CUSTOMIZE: '1',
    };
    const settings = readBuilderSettings(builderEnv);
    builder = createBuilderFromSettings({ db: env.db, redis: env.redis, logger: env.logger, env: builderEnv }, settings);
    await builder.start();

    const probe = [
      'echo "CUSTOMIZE HOME=$HOME"',
      'echo "CUSTOMIZE DATABASE_URL=${DATABASE_URL:-unset} SECRETS_KEY=${SECRETS_KEY:-unset} GITHUB_CLIENT_SECRET=${GITHUB_CLIENT_SECRET:-unset}"',
      'echo "CUSTOMIZE HOME_FILES=$(ls -A "$HOME" | wc -l)"',
      '',
    ].join('\n');
    const configId = await insertConfig(env.db, 'isolation');
    // No time zone and no packages: the fake runs the customize script on the test host itself.
    const { timezone: _tz, extraPackages: _pkgs, ...config } = VALID_CONFIG;
    const queued = await enqueueBuild(env.service, buildRequest(configId, { ...config, customizeScript: probe }));
    const build = await eventually(
      async () => {
        const b = await getBuild(env.db, queued.id);
        expect(['succeeded', 'failed', 'cancelled']).toContain(b?.status);
        return b!;
      },
      { timeoutMs: 30_000 },
    );
    const lines = (await readBuildLog(env.db, queued.id)).map((l) => l.line);
    expect(build.status, lines.slice(-20).join('\n')).toBe('succeeded');

    const seen = new Map(
      lines.filter((l) => l.startsWith('ENV ')).map((l) => {
        const [name, ...rest] = l.slice(4).split('=');
        return [name, rest.join('=')] as const;
      }),
    );
    const allowed = new Set<string>([...BUILD_ENV_INHERITED, ...Object.keys(BUILD_ENV_FIXED), ...Object.keys(ARMBIAN_FIXED_ENV), 'HOME', ...parseBuildEnvPassthrough(builderEnv.BUILD_ENV_PASSTHROUGH)]);
    expect(seen.size).toBeGreaterThan(0);
    for (const name of seen.keys()) expect(allowed.has(name), `${name} reached the build`).toBe(true);
    expect(seen.get('PATH')).toBe(process.env.PATH);
    expect(seen.get('LANG')).toBe('C.UTF-8');
    expect(seen.get('SHOW_LOG')).toBe('yes');
    // The framework's section markers, which progress reads.
    expect(seen.get('SHOW_GROUPS')).toBe('yes');
    expect(seen.get('http_proxy')).toBe('http://proxy.internal:3128');
    expect(seen.has('CI')).toBe(false);
    const home = seen.get('HOME')!;
    expect(home.startsWith(workDir + path.sep), `HOME=${home}`).toBe(true);
    expect(home).not.toBe(homedir());

    // Nothing secret anywhere in the log, and the customize script sees no secret either.
    const log = lines.join('\n');
    for (const secret of Object.values(SECRETS)) expect(log).not.toContain(secret);
    expect(lines).toContain(`CUSTOMIZE HOME=${home}`);
    expect(lines).toContain('CUSTOMIZE DATABASE_URL=unset SECRETS_KEY=unset GITHUB_CLIENT_SECRET=unset');
    expect(lines).toContain('CUSTOMIZE HOME_FILES=0');
  });

  it('the plan executor reports the same allow-list a real build would get', async () => {
    const executor = createPlanExecutor({
      facts: loadArmbianFacts(),
      builderVersion: BUILDER_VERSION,
      buildEnv: createBuildEnv({ ...SECRETS, PATH: '/usr/bin', https_proxy: 'http://proxy:3128' }, ['https_proxy']),
    });
    const lines: string[] = [];
    const workDir = await mkdtemp(path.join(env.tmp, 'plan-'));
    await executor.run({
      buildId: 'plan-env',
      snapshot: {
        buildId: 'plan-env', configId: 'c', configName: 'Plan', configJson: { ...VALID_CONFIG },
        yjsState: new Uint8Array(), schemaVersion: '1', builderVersion: BUILDER_VERSION, contentHash: 'x',
      } satisfies BuildSnapshot,
      workDir,
      log: (line) => lines.push(line),
      progress: () => undefined,
      signal: new AbortController().signal,
      addArtifact: async () => ({ size: 0, sha256: '' }),
      firstbootSecrets: new Map(),
      fetchBlob: async () => null,
      logger: env.logger,
    });
    expect(lines).toContain('environment: HOME PATH SHOW_LOG https_proxy');
  });

  it('refuses pass-through names that are not variable names, HOME and CI', () => {
    expect(parseBuildEnvPassthrough(' http_proxy,https_proxy  no_proxy,,')).toEqual(['http_proxy', 'https_proxy', 'no_proxy']);
    expect(parseBuildEnvPassthrough(undefined)).toEqual([]);
    expect(() => readBuilderSettings({ BUILD_ENV_PASSTHROUGH: 'PATH=/evil' })).toThrow(/not a variable name/);
    expect(() => readBuilderSettings({ BUILD_ENV_PASSTHROUGH: 'HOME' })).toThrow(/HOME is always/);
    expect(() => readBuilderSettings({ BUILD_ENV_PASSTHROUGH: 'http_proxy CI' })).toThrow(/CI turns the framework's section markers/);
    // Documented for operators, with its (empty) default.
    expect(readFileSync(new URL('../.env.example', import.meta.url), 'utf8')).toContain('\nBUILD_ENV_PASSTHROUGH=\n');
    expect(readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8')).toContain('`BUILD_ENV_PASSTHROUGH`');
  });
});
