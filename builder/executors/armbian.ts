/**
 * Runs the real Armbian framework for one build, sandboxed:
 *
 * 1. resolves the pinned framework (`ARMBIAN_DIR` at `ARMBIAN_REF`, `framework-source.ts`); a
 *    broken setup is the operator's (`BuilderSetupError`: the build waits, it is not failed);
 * 2. makes the build's own workspace from it (`workspace.ts`: a git worktree or a copy, with its
 *    own `userpatches/` and `output/`), owned by the build user;
 * 3. checks the plan with `config-dump-json` in that workspace's framework, so the commit that
 *    judged it is the commit that builds it (recorded in the manifest);
 * 4. runs `./compile.sh <confName> build` there: the framework sources
 *    `userpatches/config-<confName>.conf` (the plan's settings and the configuration's extra
 *    lines; lib/functions/cli/utils-cli.sh) and nothing from the command line overrides it. As the
 *    build user (never root on the host: `setpriv` when the builder is root), in its own process
 *    group, with the allow-listed environment;
 * 5. collects everything the framework left in the workspace's `output/` (`armbian-collect.ts`),
 *    and removes the workspace.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { checkedPlan, planOrUserErrorAsync } from '../framework-check/checked-plan.ts';
import { resolveTree, TREE_ARTIFACT, treeTarball, writeTree } from '../plan/plan-tree.ts';
import { createFrameworkChecker } from '../framework-check/framework-checker.ts';
import { frameworkMessages } from '../framework-check/framework-output.ts';
import type { ArmbianFacts } from '../plan/armbian-facts.ts';
import { stableJson } from '../plan/stable-json.ts';
import { collectOutputs, sumsFile, type CollectedArtifact } from './armbian-collect.ts';
import { createStageTracker, sectionStarted, stripAnsi } from './armbian-progress.ts';
import type { BuildEnvFactory } from './build-env.ts';
import { resolveFrameworkSource, type FrameworkPin, type FrameworkSource } from './framework-source.ts';
import { BuilderSetupError, ExecutorError, type Executor, type ExecutorContext } from './types.ts';
import { FIRSTRUN_SECRETS_FILE, writeFirstrunSecrets } from '../plan/firstrun.ts';
import { chownWorkspace, createWorkspace, pruneWorktrees, removeWorkspace, type BuildUser } from './workspace.ts';

/** Cancel (and timeout, and shutdown) stops the framework's whole process group within this
 * long: SIGTERM first, SIGKILL after `ARMBIAN_KILL_GRACE_MS`, inside the bound. */
export const ARMBIAN_CANCEL_BOUND_MS = 10_000;
/** SIGTERM → SIGKILL. The framework's exit trap unmounts and frees loop devices; most of that
 * fits in a few seconds, and a user who pressed Cancel is promised ten. Two seconds of the bound
 * are left for SIGKILL to land and the group to be reaped. */
export const ARMBIAN_KILL_GRACE_MS = ARMBIAN_CANCEL_BOUND_MS - 2_000;

/**
 * Set for the framework on top of the allow-listed environment (`build-env.ts`): SHOW_GROUPS=yes
 * makes it announce each log section on stderr, which is what progress reads
 * (`armbian-progress.ts`). CI is never set here (it switches those markers to GitHub Actions'
 * `::group::` lines and changes log archiving and .deb compression).
 */
export const ARMBIAN_FIXED_ENV: Readonly<Record<string, string>> = { SHOW_GROUPS: 'yes' };

/** Framework error alerts kept for the failure message; a build failing in a loop prints more. */
const MAX_ERROR_LINES = 200;

export interface ArmbianExecutorDeps {
  source: FrameworkSource;
  facts: ArmbianFacts;
  builderVersion: string;
  /** Environment of compile.sh and everything it starts (an allow-list, see `build-env.ts`). */
  buildEnv: BuildEnvFactory;
  /** Who the framework runs as when the builder is root; null: the builder's own user. */
  buildUser: BuildUser | null;
  /** ARMBIAN_CACHE_DIR: the framework's `cache/`, shared by this builder's builds; null: none. */
  cacheDir?: string | null;
  killGraceMs?: number;
}

export function createArmbianExecutor(deps: ArmbianExecutorDeps): Executor {
  // No serialization: every build has its own workspace, userpatches and output; builds at once
  // are bounded by BUILD_CONCURRENCY only.
  return {
    name: 'armbian',
    async checkSetup() {
      const pin = await resolveFrameworkSource(deps.source);
      // Worktrees of workspaces a crashed builder left (their folders are swept at start).
      if (pin.git) await pruneWorktrees(pin.dir).catch(() => undefined);
    },
    run: (ctx) => runOnce(deps, ctx),
  };
}

async function runOnce(deps: ArmbianExecutorDeps, ctx: ExecutorContext): Promise<void> {
  const pin = await resolveFrameworkSource(deps.source);
  ctx.log(`framework ${pin.dir} at ${pin.commit ?? 'an unknown commit'} (${pin.version ?? 'unknown version'}); workspace: ${pin.git ? 'git worktree' : 'copy'}`, 'system');
  const root = path.join(ctx.workDir, 'armbian');
  ctx.progress('prepare', 0);
  await createWorkspace(pin, root, deps.buildUser, deps.cacheDir ?? null);
  try {
    await buildInWorkspace(deps, ctx, pin, root);
  } finally {
    await removeWorkspace(pin, root).catch((err: unknown) => ctx.logger.warn({ err, root }, 'could not remove the build workspace'));
  }
}

async function buildInWorkspace(deps: ArmbianExecutorDeps, ctx: ExecutorContext, pin: FrameworkPin, root: string): Promise<void> {
  let dump: Record<string, unknown> | null = null;
  const tree = await planOrUserErrorAsync(() => resolveTree(ctx.snapshot.yjsState, ctx.fetchBlob));
  const plan = await checkedPlan({
    tree,
    snapshot: ctx.snapshot,
    facts: deps.facts,
    builderVersion: deps.builderVersion,
    judge: {
      checker: createFrameworkChecker({ armbianDir: root, workRoot: path.join(ctx.workDir, 'checks'), runAsUid: deps.buildUser?.uid ?? null }),
      identity: { commit: pin.commit, version: pin.version },
    },
    signal: ctx.signal,
    log: (line) => ctx.log(line, 'system'),
    onDump: (d) => {
      dump = d;
    },
  });
  if (ctx.signal.aborted) throw new ExecutorError('aborted', String(ctx.signal.reason));

  const stored: CollectedArtifact[] = [];
  const add = async (name: string, file: string): Promise<void> => {
    stored.push({ name, ...(await ctx.addArtifact(name, file)) });
  };
  for (const file of plan.files) {
    // The plan's SHA256SUMS covers the plan only; this build's covers everything it stored.
    if (file.name === 'SHA256SUMS') continue;
    const local = path.join(ctx.workDir, file.name);
    await writeFile(local, file.content, 'utf8');
    await add(file.name, local);
    if (file.installTo) {
      const target = path.join(root, file.installTo);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content, 'utf8');
    }
  }
  if (ctx.firstbootSecrets.size > 0) {
    // The values the first-boot extension reads: the workspace's userpatches only (0600, owned by
    // the build user below), never an artifact.
    await writeFirstrunSecrets(path.join(root, 'userpatches'), ctx.firstbootSecrets);
    ctx.log(`wrote userpatches/${FIRSTRUN_SECRETS_FILE} (0600, private to this build; not an artifact)`, 'system');
  }
  if (plan.tree.length > 0) {
    // Exactly the configuration's files and modes; the path rules keep them off the plan's names.
    await writeTree(path.join(root, 'userpatches'), plan.tree);
    const local = path.join(ctx.workDir, TREE_ARTIFACT);
    await writeFile(local, treeTarball(plan.tree));
    await add(TREE_ARTIFACT, local);
  }
  if (dump) {
    const local = path.join(ctx.workDir, 'config-dump.json');
    await writeFile(local, stableJson(dump), 'utf8');
    await add('config-dump.json', local);
  }
  // HOME inside the attempt's private work directory: scripts reading $HOME see nothing of the builder's.
  const home = path.join(ctx.workDir, 'home');
  await mkdir(home, { recursive: true });
  if (deps.buildUser) {
    await chownWorkspace(path.join(root, 'userpatches'), deps.buildUser);
    await chownWorkspace(home, deps.buildUser);
  }

  const args = [plan.confName, 'build'];
  ctx.log(`$ ./compile.sh ${args.join(' ')}${deps.buildUser ? ` (as uid ${deps.buildUser.uid}, gid ${deps.buildUser.gid})` : ''}`, 'system');
  const run = await runCompile(deps, ctx, root, args, { ...deps.buildEnv(home), ...ARMBIAN_FIXED_ENV });
  if (ctx.signal.aborted) throw new ExecutorError('aborted', String(ctx.signal.reason));

  ctx.progress('collect', 99);
  const collected = await collectOutputs(ctx, root, add);
  const writeSums = async (): Promise<void> => {
    const local = path.join(ctx.workDir, 'SHA256SUMS');
    await writeFile(local, sumsFile(stored), 'utf8');
    await ctx.addArtifact('SHA256SUMS', local);
  };
  if (run.code !== 0) {
    await writeSums();
    const { errors } = frameworkMessages(run.errorLines.join('\n'), '', root);
    if (!run.started) {
      // It never reached its first log section: it stopped in its relaunch (no root, no usable
      // Docker, no sudo) before reading the configuration. Nothing the user can change.
      throw new BuilderSetupError(
        `the Armbian framework stopped before it started the build (exit ${run.code})${errors.length ? `: ${errors.join('; ')}` : ''}`,
      );
    }
    if (errors.length > 0) throw new ExecutorError('framework_refused', `the Armbian framework refused this build: ${errors.join('; ')}`);
    throw new ExecutorError('compile_failed', `compile.sh exited with ${run.code}`);
  }
  if (collected.images === 0) {
    await writeSums();
    throw new ExecutorError('no_output', 'compile.sh succeeded but left no image in output/images');
  }
  await writeSums();
}

interface CompileRun {
  /** Exit code, -1 when killed by a signal. */
  code: number;
  /** The framework announced at least one log section (it got past its relaunch). */
  started: boolean;
  /** Its error alerts (`[💥] …`, `ERR: …`), colour stripped, for the failure message. */
  errorLines: string[];
}

function runCompile(deps: ArmbianExecutorDeps, ctx: ExecutorContext, root: string, args: string[], env: Record<string, string>): Promise<CompileRun> {
  const user = deps.buildUser;
  // As root the framework would build natively as root; as anyone else it relaunches itself in its
  // Docker container (or under sudo) for the steps that need root, which is the sandbox.
  const [command, ...rest] = user
    ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', './compile.sh', ...args]
    : ['./compile.sh', ...args];
  const child = spawn(command!, rest, {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so cancel reaches everything the framework started (docker, chroot, make).
    detached: true,
  });
  const track = createStageTracker();
  const result: CompileRun = { code: -1, started: false, errorLines: [] };
  const pump = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): Promise<void> =>
    new Promise((resolve) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (raw) => {
        const line = stripAnsi(raw);
        ctx.log(line, name);
        if (!result.started && sectionStarted(line) !== null) result.started = true;
        if (/^\s*(\[[^\]]*💥\]|ERR:)/u.test(line) && result.errorLines.length < MAX_ERROR_LINES) result.errorLines.push(line.trim());
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
    child.once('error', (err: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      // No compile.sh (or no setpriv) to run: the host's setup, never the build's fault.
      reject(new BuilderSetupError(`could not run ${command}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (killTimer) {
        // Aborted: compile.sh is gone but what it started may not be; finish the group off.
        clearTimeout(killTimer);
        killGroup('SIGKILL');
      }
      result.code = code ?? -1;
      void pumps.then(() => resolve(result));
    });
  });
}
