/**
 * Runs the real Armbian framework: `./compile.sh build KEY=value…` in a configured checkout, with
 * the allow-listed build environment (`build-env.ts`: no builder secrets, HOME private to the
 * build), streaming its output, then collects what it left in `output/images`. The checkout's
 * `userpatches/` and `output/images/` belong to the builder: it writes the plan's conf and
 * customize script there and moves finished images out.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { checkArtifactName } from '../../shared/builds/artifact-name.ts';
import type { ArmbianFacts } from '../plan/armbian-facts.ts';
import { checkedPlan, type FrameworkJudge } from '../framework-check/checked-plan.ts';
import { PACKAGES_EXTENSION } from '../plan/render-plan.ts';
import { createStageTracker, stripAnsi } from './armbian-progress.ts';
import type { BuildEnvFactory } from './build-env.ts';
import { ExecutorError, type Executor, type ExecutorContext } from './types.ts';

/** After SIGTERM to the framework's process group, wait this long before SIGKILL: it unmounts
 * loop devices and chroots in its exit trap, and killing it mid-cleanup leaves them mounted. */
export const ARMBIAN_KILL_GRACE_MS = 20_000;

/** A stand-in script for customize-image.sh when the configuration has none: the checkout is
 * shared by every build, so a previous build's script must not leak into this one. */
const NO_CUSTOMIZE_SCRIPT = '#!/bin/bash\n# Boardroom: this configuration has no customisation.\n';

export interface ArmbianExecutorDeps {
  armbianDir: string;
  facts: ArmbianFacts;
  builderVersion: string;
  /** Environment of compile.sh and everything it starts (an allow-list, see `build-env.ts`). */
  buildEnv: BuildEnvFactory;
  killGraceMs?: number;
  /** Checks every plan with config-dump-json (in a copy of the checkout) before compiling. */
  judge: FrameworkJudge;
}

export function createArmbianExecutor(deps: ArmbianExecutorDeps): Executor {
  // One framework run per checkout at a time: it shares cache, output and userpatches.
  let tail: Promise<void> = Promise.resolve();
  return {
    name: 'armbian',
    run(ctx) {
      const run = tail.then(() => runOnce(deps, ctx));
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

async function runOnce(deps: ArmbianExecutorDeps, ctx: ExecutorContext): Promise<void> {
  const plan = await checkedPlan({
    snapshot: ctx.snapshot,
    facts: deps.facts,
    builderVersion: deps.builderVersion,
    judge: deps.judge,
    signal: ctx.signal,
    log: (line) => ctx.log(line, 'system'),
  });
  if (ctx.signal.aborted) throw new ExecutorError('aborted', String(ctx.signal.reason));
  ctx.progress('prepare', 1);
  const userpatches = path.join(deps.armbianDir, 'userpatches');
  await mkdir(userpatches, { recursive: true });
  let hasScript = false;
  for (const file of plan.files) {
    const local = path.join(ctx.workDir, file.name);
    await writeFile(local, file.content, 'utf8');
    await ctx.addArtifact(file.name, local);
    if (file.installTo) {
      const target = path.join(deps.armbianDir, file.installTo);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content, 'utf8');
    }
    if (file.name === 'customize-image.sh') hasScript = true;
  }
  if (!hasScript) await writeFile(path.join(userpatches, 'customize-image.sh'), NO_CUSTOMIZE_SCRIPT, 'utf8');
  if (!plan.files.some((f) => f.name === `${PACKAGES_EXTENSION}.sh`)) {
    // The checkout is shared: a previous build's packages must not reach this image.
    await rm(path.join(userpatches, 'extensions', `${PACKAGES_EXTENSION}.sh`), { force: true });
  }

  const imagesDir = path.join(deps.armbianDir, 'output', 'images');
  const before = await listFiles(imagesDir);
  ctx.log(`$ ./compile.sh ${plan.compileArgs.join(' ')}`, 'system');
  // HOME inside the attempt's private work directory: scripts reading $HOME see nothing of the builder's.
  const home = path.join(ctx.workDir, 'home');
  await mkdir(home, { recursive: true });
  const code = await runCompile(deps, ctx, plan.compileArgs, deps.buildEnv(home));
  if (ctx.signal.aborted) throw new ExecutorError('aborted', String(ctx.signal.reason));
  if (code !== 0) throw new ExecutorError('compile_failed', `compile.sh exited with ${code}`);

  ctx.progress('collect', 99);
  const produced = [...(await listFiles(imagesDir))].filter((name) => !before.has(name)).sort();
  if (produced.length === 0) throw new ExecutorError('no_output', 'compile.sh succeeded but output/images has no new file');
  for (const name of produced) {
    const check = checkArtifactName(name);
    if (!check.ok) {
      ctx.log(`skipped output file ${JSON.stringify(name)}: ${check.message}`, 'system');
      continue;
    }
    const file = path.join(imagesDir, name);
    await ctx.addArtifact(name, file);
    // Stored now; leaving it would fill the checkout's disk build after build.
    await rm(file, { force: true });
    ctx.log(`collected ${name}`, 'system');
  }
}

async function listFiles(dir: string): Promise<Set<string>> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw err;
  }
  const files = new Set<string>();
  for (const name of entries) {
    if ((await stat(path.join(dir, name))).isFile()) files.add(name);
  }
  return files;
}

/** Resolves with the exit code (or -1 when killed by a signal). */
function runCompile(deps: ArmbianExecutorDeps, ctx: ExecutorContext, args: string[], env: Record<string, string>): Promise<number> {
  const child = spawn('./compile.sh', args, {
    cwd: deps.armbianDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so cancel reaches everything the framework started (docker, chroot, make).
    detached: true,
  });
  const track = createStageTracker();
  const pump = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): Promise<void> =>
    new Promise((resolve) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (raw) => {
        const line = stripAnsi(raw);
        ctx.log(line, name);
        const mark = track(line);
        if (mark) ctx.progress(mark.stage, mark.pct);
      });
      lines.on('close', resolve);
    });
  const pumps = Promise.all([pump(child.stdout!, 'stdout'), pump(child.stderr!, 'stderr')]);

  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch (err) {
      // ESRCH: the group is already gone, which is what we wanted.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') ctx.logger.warn({ err }, 'could not signal compile.sh');
    }
  };
  const onAbort = (): void => {
    ctx.log(`stopping compile.sh (${String(ctx.signal.reason)})`, 'system');
    killGroup('SIGTERM');
    killTimer = setTimeout(() => killGroup('SIGKILL'), deps.killGraceMs ?? ARMBIAN_KILL_GRACE_MS);
    killTimer.unref();
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });

  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      ctx.signal.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.once('close', (code) => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (killTimer) {
        // Aborted: compile.sh is gone but what it started may not be; finish the group off.
        clearTimeout(killTimer);
        killGroup('SIGKILL');
      }
      void pumps.then(() => resolve(code ?? -1));
    });
  });
}
