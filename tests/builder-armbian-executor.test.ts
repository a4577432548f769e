/**
 * The `armbian` executor's lifecycle against the stand-in `compile.sh` (tests/fixtures/fake-armbian,
 * which follows the real one's interface: `./compile.sh <name> build`, outputs and logs where the
 * framework writes them, section markers, the framework's refusal of a missing BUILD_MINIMAL):
 * each build in its own workspace (a git worktree at ARMBIAN_REF, or a copy), as nobody when the
 * tests run as root, everything it left collected and checksummed, the workspace gone afterwards;
 * a refusal fails at once; a broken setup makes builds wait instead of failing or looping.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import pino from 'pino';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStageTracker } from '../builder/executors/armbian-progress.ts';
import { WAITING_FOR_SETUP } from '../builder/run-build.ts';
import { writeWorkDirOwner } from '../builder/work-dirs.ts';
import type { Builder } from '../builder/worker.ts';
import { cancelBuild, enqueueBuild } from '../shared/node/builds/build-service.ts';
import { builderAvailable } from '../shared/node/builds/builder-setup.ts';
import { createBuildEventHub } from '../shared/node/builds/event-hub.ts';
import type { BuildEvent } from '../shared/builds/events.ts';
import { getArtifact, getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import {
  armbianExecutor,
  buildRequest,
  createBuildsEnv,
  FAKE_ARMBIAN_DIR,
  fakeArmbianCheckout,
  insertConfig,
  readStream,
  startTestBuilder,
  VALID_CONFIG,
  type BuildsEnv,
} from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

/** How long a killed group's members may stay listed before being reaped (not a kill bound). */
const GROUP_REAPED_MS = 2_000;

/** Pids of the processes in group `pgid` that are not zombies (a zombie is already dead). */
function liveMembersOfGroup(pgid: number): string[] {
  const pids = spawnSync('pgrep', ['-g', String(pgid)]).stdout.toString().split('\n').filter(Boolean);
  return pids.filter((pid) => {
    try {
      // /proc/<pid>/stat: "pid (comm) state …"; the state follows the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false; // gone between pgrep and the read
    }
  });
}

const WAIT_MS = 60_000;
const asRoot = process.getuid?.() === 0;
let env: BuildsEnv;

beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_armbian');
});

afterAll(async () => {
  await env?.cleanup();
});

const statusOf = (id: string, status: string) =>
  eventually(
    async () => {
      const b = await getBuild(env.db, id);
      expect(b?.status).toBe(status);
      return b!;
    },
    { timeoutMs: WAIT_MS },
  );

async function artifactText(buildId: string, name: string): Promise<string> {
  const stored = await getArtifact(env.db, buildId, name);
  expect(stored, name).not.toBeNull();
  return (await readStream(await env.storage.get(stored!.storageKey))).toString('utf8');
}

/** A git checkout of the stand-in framework with one commit; answers the commit. */
async function gitCheckout(): Promise<{ dir: string; commit: string }> {
  const dir = await fakeArmbianCheckout(env.tmp);
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  git('init', '--quiet');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'framework');
  return { dir, commit: git('rev-parse', 'HEAD') };
}

describe('armbian executor: a build in its own workspace', () => {
  it('builds ARMBIAN_REF in a git worktree as nobody, with the extra lines, and collects everything', async () => {
    const { dir: checkout, commit } = await gitCheckout();
    // The operator's own userpatches and a later edit of the checkout never reach the build.
    await mkdir(path.join(checkout, 'userpatches'), { recursive: true });
    execFileSync('sh', ['-c', `echo 'exit 99' > ${checkout}/userpatches/customize-image.sh && sed -i '2i echo "not the pinned commit" >&2; exit 42' ${checkout}/compile.sh`]);
    const builder = startTestBuilder(env, armbianExecutor(checkout, {}, { ref: commit }));
    const subscriber = env.redis.duplicate();
    const hub = createBuildEventHub(subscriber, env.keys, env.logger);
    const events: BuildEvent[] = [];
    try {
      const configId = await insertConfig(env.db, 'worktree');
      const config = { ...VALID_CONFIG, extraLines: 'BOARDROOM_TEST_EXTRA="from the extra lines"\n' };
      const queued = await enqueueBuild(env.service, buildRequest(configId, config));
      const unsubscribe = await hub.follow('personal', queued.id, (event) => events.push(event));
      await builder.start();
      const build = await statusOf(queued.id, 'succeeded');
      await unsubscribe();

      const image = 'Armbian-unofficial_26.02.0-trunk_Rock-5b_trixie_current_6.18.1.img';
      const names = build.artifacts.map((a) => a.name).sort();
      expect(names).toEqual(
        expect.arrayContaining([
          image,
          `${image}.sha`,
          `${image}.txt`,
          'linux-image-current-fake_26.02.0-trunk_arm64.deb',
          'linux-u-boot-rock-5b-current_26.02.0-trunk_arm64.deb',
          'armbian-bsp-cli-rock-5b-current_26.02.0-trunk_arm64.deb',
          'config-dump.json',
          'config-my-rock-5b.conf',
          'manifest.json',
          'SHA256SUMS',
        ]),
      );
      expect(names.some((n) => /^log-build-fake-\d+\.log$/.test(n))).toBe(true);
      // Never a link out of the workspace, never the framework's package cache.
      expect(names.filter((n) => n.endsWith('.link') || n === 'cached.deb')).toEqual([]);

      // The configuration's extra lines reached the framework: it read config-<name>.conf.
      expect(await artifactText(queued.id, `${image}.txt`)).toContain('extra=from the extra lines');
      const log = (await readBuildLog(env.db, queued.id)).map((l) => l.line);
      expect(log).toContain(`$ ./compile.sh my-rock-5b build${asRoot ? ' (as uid 65534, gid 65534)' : ''}`);
      expect(log).toContain(`build run by uid ${asRoot ? 65534 : process.getuid?.()} gid ${asRoot ? 65534 : process.getgid?.()}`);
      expect(log.some((l) => l.includes('not the pinned commit'))).toBe(false);

      // The commit that built it is in the manifest; the dump is the framework's, host paths hidden.
      const manifest = JSON.parse(await artifactText(queued.id, 'manifest.json'));
      expect(manifest.framework).toMatchObject({ check: 'accepted', commit, version: '26.02.0-trunk' });
      const dump = JSON.parse(await artifactText(queued.id, 'config-dump.json'));
      expect(dump).toMatchObject({ BOARD: 'rock-5b', SRC: '<armbian>' });

      // SHA256SUMS names every other artifact with the checksum it was stored with.
      const sums = (await artifactText(queued.id, 'SHA256SUMS')).trim().split('\n');
      const expected = build.artifacts
        .filter((a) => a.name !== 'SHA256SUMS')
        .map((a) => `${a.sha256}  ${a.name}`)
        .sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1));
      expect(sums).toEqual(expected);
      const imageBytes = await readStream(await env.storage.get((await getArtifact(env.db, queued.id, image))!.storageKey));
      expect(sums).toContain(`${createHash('sha256').update(imageBytes).digest('hex')}  ${image}`);

      // Progress followed the framework's section markers, in build order.
      const stages = events.filter((e) => e.type === 'progress').map((e) => (e as { stage: string }).stage);
      expect(stages[0]).toBe('prepare');
      expect(stages).toEqual(expect.arrayContaining(['u-boot', 'kernel', 'rootfs', 'customize', 'image']));

      // The workspace is gone (git forgot it too) and the checkout holds nothing of the build.
      expect((await readdir(path.join(env.tmp, 'work'))).filter((n) => n.startsWith(queued.id))).toEqual([]);
      const worktrees = execFileSync('git', ['-C', checkout, 'worktree', 'list'], { encoding: 'utf8' }).trim().split('\n');
      expect(worktrees).toHaveLength(1);
      expect(existsSync(path.join(checkout, 'output'))).toBe(false);
      expect(await readdir(path.join(checkout, 'userpatches'))).toEqual(['customize-image.sh']);
    } finally {
      await hub.close();
      subscriber.disconnect();
      await builder.close();
    }
  });

  it('fails a framework refusal at once with its words, never retried, keeping its log', async () => {
    const checkout = await fakeArmbianCheckout(env.tmp);
    const builder = startTestBuilder(env, armbianExecutor(checkout));
    await builder.start();
    try {
      const configId = await insertConfig(env.db, 'refused');
      // The plan always sets BUILD_MINIMAL; the configuration's own extra lines take it away.
      const queued = await enqueueBuild(env.service, buildRequest(configId, { ...VALID_CONFIG, extraLines: 'unset BUILD_MINIMAL\n' }));
      const failed = await statusOf(queued.id, 'failed');
      expect(failed.error).toMatch(/^the Armbian framework refused this build: error! \[ stdin is not a terminal\. can't use dialog\..*Choose image type/);
      expect(failed.attempts).toBe(1);
      const names = failed.artifacts.map((a) => a.name);
      expect(names.some((n) => n.startsWith('log-build-'))).toBe(true);
      expect(names).toContain('SHA256SUMS');
      expect(builder.setupProblem()).toBeNull();
    } finally {
      await builder.close();
    }
  });

  it('stops a framework that ignores SIGTERM: the whole group is killed after the grace', async () => {
    const checkout = await fakeArmbianCheckout(env.tmp);
    const pidFile = path.join(env.tmp, 'hang.pid');
    const builder = startTestBuilder(env, armbianExecutor(checkout, { FAKE_ARMBIAN_HANG: '1', FAKE_ARMBIAN_PIDFILE: pidFile }, { killGraceMs: 500 }));
    await builder.start();
    try {
      const configId = await insertConfig(env.db, 'hang');
      const queued = await enqueueBuild(env.service, buildRequest(configId));
      const pid = await eventually(async () => Number(await readFile(pidFile, 'utf8')), { timeoutMs: WAIT_MS });
      await cancelBuild(env.service, queued.id);
      await statusOf(queued.id, 'cancelled');
      expect(spawnSync('kill', ['-0', String(pid)]).status).not.toBe(0);
      // Nothing of its group either (the child that ignored SIGTERM too). The SIGKILL lands on the
      // whole group at once, but a killed child is listed until its new parent reaps it, which
      // on a loaded machine can take a moment after the leader's exit was seen: wait for that.
      await eventually(() => expect(liveMembersOfGroup(pid)).toEqual([]), { timeoutMs: GROUP_REAPED_MS });
      expect((await readdir(path.join(env.tmp, 'work'))).filter((n) => n.startsWith(queued.id))).toEqual([]);
    } finally {
      await builder.close();
    }
  });
});

describe('armbian executor: setup errors are the operator\'s', () => {
  it('a missing checkout is reported once; builds wait (queued, no attempt) and run once it is fixed', async () => {
    const checkout = path.join(env.tmp, 'not-yet-a-checkout');
    const logLines: Array<{ msg: string; problem?: string }> = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (logLines.push(JSON.parse(String(chunk))), done()) }));
    const builder = startTestBuilder(env, armbianExecutor(checkout), { setupRecheckIntervalMs: 300 }, logger);
    await builder.start();
    try {
      expect(builder.setupProblem()).toBe(`ARMBIAN_DIR ${checkout} does not exist`);
      await expect(builderAvailable(env.queue, env.redis, env.keys)).rejects.toThrow(`no builder can build: builder `);
      const configId = await insertConfig(env.db, 'waits');
      const queued = await enqueueBuild(env.service, buildRequest(configId));
      const waiting = await eventually(
        async () => {
          const b = await getBuild(env.db, queued.id);
          expect(b).toMatchObject({ status: 'queued', error: WAITING_FOR_SETUP, attempts: 0 });
          return b!;
        },
        { timeoutMs: WAIT_MS },
      );
      expect(waiting.startedAt).toBeNull();

      // Logged once, though re-checked every 300 ms meanwhile.
      expect(logLines.filter((l) => l.problem === `ARMBIAN_DIR ${checkout} does not exist`)).toHaveLength(1);
      await cp(FAKE_ARMBIAN_DIR, checkout, { recursive: true });
      await statusOf(queued.id, 'succeeded');
      expect(builder.setupProblem()).toBeNull();
      await builderAvailable(env.queue, env.redis, env.keys);
    } finally {
      await builder.close();
    }
  });

  it('a framework that cannot get root stops before its first section: the build waits, and runs once the host is fixed', async () => {
    const checkout = await fakeArmbianCheckout(env.tmp);
    await writeFile(path.join(checkout, 'RELAUNCH_FAILS'), '');
    const builder = startTestBuilder(env, armbianExecutor(checkout), { setupRecheckIntervalMs: 500 });
    await builder.start();
    try {
      const configId = await insertConfig(env.db, 'no root');
      const queued = await enqueueBuild(env.service, buildRequest(configId));
      await eventually(() => expect(builder.setupProblem()).toMatch(/^the Armbian framework stopped before it started the build \(exit 43\): error! \[ Exiting due to 'Docker installed but not usable'/), {
        timeoutMs: WAIT_MS,
      });
      // The problem is reported before the build is handed back; then it waits, no attempt used.
      await eventually(async () => expect(await getBuild(env.db, queued.id)).toMatchObject({ status: 'queued', error: WAITING_FOR_SETUP, attempts: 0 }), {
        timeoutMs: WAIT_MS,
      });
      await expect(builderAvailable(env.queue, env.redis, env.keys)).rejects.toThrow(/Docker installed but not usable/);

      // The operator gives the build user Docker (here: the stand-in stops failing).
      await rm(path.join(checkout, 'RELAUNCH_FAILS'));
      const done = await statusOf(queued.id, 'succeeded');
      expect(done.attempts).toBe(1);
      // Only this run's output: the stopped tries' logs are gone, and SHA256SUMS lists exactly what is stored.
      const sums = (await artifactText(queued.id, 'SHA256SUMS')).trim().split('\n').map((l) => l.slice(66));
      expect(done.artifacts.map((a) => a.name).filter((n) => n !== 'SHA256SUMS').sort()).toEqual([...sums].sort());
      expect(builder.setupProblem()).toBeNull();
    } finally {
      await builder.close();
    }
  });

  it('removes the work directories a crashed builder left, and only those', async () => {
    const work = path.join(env.tmp, 'work');
    const dead = path.join(work, '00000000-0000-4000-8000-000000000001-1');
    const alive = path.join(work, '00000000-0000-4000-8000-000000000002-1');
    await mkdir(path.join(dead, 'armbian', 'output'), { recursive: true });
    await mkdir(alive, { recursive: true });
    // A builder process that has exited owned the first.
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    await writeFile(path.join(dead, '.owner.json'), JSON.stringify({ host: hostname(), pid: Number(exited.stdout), instance: 'gone' }));
    await writeWorkDirOwner(alive);
    const builder = startTestBuilder(env, armbianExecutor(await fakeArmbianCheckout(env.tmp)));
    await builder.start();
    try {
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(alive)).toBe(true);
    } finally {
      await builder.close();
      await rm(alive, { recursive: true, force: true });
    }
  });
});

describe('progress from the framework\'s section markers', () => {
  it('moves only on section starts, forward only', () => {
    const track = createStageTracker();
    expect(track('[🌿] Enabling extension [ uboot-fix-pylibfdt-swig ]')).toBeNull();
    expect(track('Unpacking linux-image-current-rockchip64 (26.02) ...')).toBeNull();
    expect(track('[🦋]  [ <entrypoint> ]')).toEqual({ stage: 'prepare', pct: 1 });
    expect(track('[🦋]  [ <kernel_build> ]')).toEqual({ stage: 'kernel', pct: 30 });
    expect(track('[🦋]  [ </kernel_build> in 301s ]')).toBeNull();
    expect(track('[🦋]  [ <compile_uboot> ]')).toBeNull(); // an earlier stage never sends the bar back
    expect(track('[🐳|🦋]  [ <install_distribution_specific_noble> ]')).toEqual({ stage: 'rootfs', pct: 65 });
    expect(track('[🦋]  [ <some_future_section> ]')).toBeNull();
  });
});
