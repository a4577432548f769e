/**
 * The `armbian` executor on the REAL framework (`../shared/armbian-build`, used read-only as
 * ARMBIAN_DIR): each build gets a private copy, run as nobody when the tests run as root. Only the
 * framework's early exits are exercised, nothing that prepares the host:
 *
 * - a configuration it refuses (its own `config-dump-json` in the build's workspace) fails at once,
 *   in its words, and is not retried;
 * - an accepted one reaches `./compile.sh <name> build`, where the real framework, unprivileged and
 *   with neither a Docker engine nor sudo on this host, stops in its relaunch before its first log
 *   section: the builder's setup problem (the build waits), never the user's failure.
 */
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARMBIAN_FIXED_ENV } from '../builder/executors/armbian.ts';
import { sectionStarted, stripAnsi } from '../builder/executors/armbian-progress.ts';
import { createBuildEnv } from '../builder/executors/build-env.ts';
import { resolveFrameworkSource } from '../builder/executors/framework-source.ts';
import { createWorkspace, removeWorkspace } from '../builder/executors/workspace.ts';
import { WAITING_FOR_SETUP } from '../builder/run-build.ts';
import type { Builder } from '../builder/worker.ts';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { builderAvailable } from '../shared/node/builds/builder-setup.ts';
import { getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { armbianExecutor, buildRequest, createBuildsEnv, insertConfig, startTestBuilder, type BuildsEnv } from './builder-harness.ts';
import { FRAMEWORK_DIR } from './framework/framework-rig.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** A framework check takes 2–20 s, several times that on a loaded machine. */
const BUILD_WAIT_MS = 240_000;
const FRAMEWORK_COMMIT = '82a0c923f91f75211cade3ee703fc06372c840e5';

let env: BuildsEnv;
let builder: Builder;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'framework_executor');
  // A long re-check: the test looks at the builder right after the framework stopped.
  builder = startTestBuilder(env, armbianExecutor(FRAMEWORK_DIR), { setupRecheckIntervalMs: 600_000 });
  await builder.start();
});

afterAll(async () => {
  await builder?.close();
  await env?.cleanup();
});

const waitFor = (id: string, check: (b: NonNullable<Awaited<ReturnType<typeof getBuild>>>) => void) =>
  eventually(
    async () => {
      const build = await getBuild(env.db, id);
      expect(build).not.toBeNull();
      check(build!);
      return build!;
    },
    { timeoutMs: BUILD_WAIT_MS },
  );

describe('the real framework announces its sections the way progress reads them', () => {
  it('config-dump-json with SHOW_GROUPS=yes starts <entrypoint> and <userpatches_config:…> sections', async () => {
    const pin = await resolveFrameworkSource({ dir: FRAMEWORK_DIR, ref: null });
    const root = path.join(env.tmp, 'sections-workspace');
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null;
    await createWorkspace(pin, root, user);
    try {
      await writeFile(path.join(root, 'userpatches', 'config-t.conf'), 'BOARD=rock-5b\nBRANCH=current\nRELEASE=trixie\nBUILD_MINIMAL=no\nBUILD_DESKTOP=no\n');
      const args = ['./compile.sh', 't', 'config-dump-json'];
      const run = spawnSync(user ? 'setpriv' : args[0]!, user ? ['--reuid=65534', '--regid=65534', '--clear-groups', '--', ...args] : args.slice(1), {
        cwd: root,
        env: { ...createBuildEnv({ PATH: process.env.PATH })(root), ...ARMBIAN_FIXED_ENV, CONFIG_DEFS_ONLY: 'yes' },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(run.status, run.stderr).toBe(0);
      const sections = `${run.stdout}\n${run.stderr}`
        .split('\n')
        .map((l) => sectionStarted(stripAnsi(l)))
        .filter((s): s is string => s !== null);
      expect(sections.slice(0, 2)).toEqual(['entrypoint', 'userpatches_config:config-t.conf']);
      expect(run.stdout).not.toContain('::group::'); // CI is not set
    } finally {
      await removeWorkspace(pin, root);
    }
  }, BUILD_WAIT_MS);
});

describe('armbian executor on the real framework (early exits only)', () => {
  it("fails a configuration the framework refuses at once, in the framework's words", async () => {
    const configId = await insertConfig(env.db, 'typo');
    const queued = await enqueueBuild(env.service, buildRequest(configId, { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', ENABLE_EXTENSIONS: ['docker'] }, 'typo'));
    const failed = await waitFor(queued.id, (b) => expect(b.status).toBe('failed'));
    expect(failed.error).toMatch(/^the Armbian framework refused this configuration: .*cant find extension 'docker'/);
    expect(failed.attempts).toBe(1);
    const log = (await readBuildLog(env.db, queued.id)).map((l) => l.line);
    expect(log.some((l) => l.startsWith(`framework ${FRAMEWORK_DIR} at ${FRAMEWORK_COMMIT}`))).toBe(true);
    expect(log.some((l) => l.startsWith('$ ./compile.sh'))).toBe(false); // never got to the build
  }, BUILD_WAIT_MS + 30_000);

  it('an accepted configuration reaches compile.sh build, which stops before its first section: the build waits', async () => {
    const configId = await insertConfig(env.db, 'accepted');
    const config = { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', KERNEL_CONFIGURE: 'no' };
    const queued = await enqueueBuild(env.service, buildRequest(configId, config, 'My Rock 5B'));
    const waiting = await waitFor(queued.id, (b) => expect(b).toMatchObject({ status: 'queued', error: WAITING_FOR_SETUP }));
    expect(waiting.attempts).toBe(0);
    expect(builder.setupProblem()).toMatch(/^the Armbian framework stopped before it started the build \(exit \d+\)/);
    await expect(builderAvailable(env.queue, env.redis, env.keys)).rejects.toThrow(/stopped before it started the build/);

    const log = (await readBuildLog(env.db, queued.id)).map((l) => l.line);
    expect(log.some((l) => l.startsWith('framework accepted it'))).toBe(true);
    expect(log).toContain(`$ ./compile.sh my-rock-5b build${process.getuid?.() === 0 ? ' (as uid 65534, gid 65534)' : ''}`);
    // What the framework said about it (no usable Docker, or no sudo), in its words.
    expect(log.some((l) => /Docker is installed, but not usable|requires root privileges|sudo/.test(l))).toBe(true);
    // The workspace was made from the pinned commit; what the stopped run stored is dropped, since
    // it is not the output of the run to come.
    expect(log.some((l) => l.startsWith(`framework ${FRAMEWORK_DIR} at ${FRAMEWORK_COMMIT} (26.08.0-trunk); workspace: copy`))).toBe(true);
    expect(waiting.artifacts).toEqual([]);
    // Its workspace is gone; the framework tree it was copied from has no output of it.
    expect((await readdir(path.join(env.tmp, 'work'))).filter((n) => n.startsWith(queued.id))).toEqual([]);
    expect((await readdir(FRAMEWORK_DIR)).filter((n) => ['output', 'userpatches', '.tmp', 'cache'].includes(n))).toEqual([]);
  }, BUILD_WAIT_MS + 30_000);
});
