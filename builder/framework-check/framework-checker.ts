/**
 * The framework check: `./compile.sh <name> config-dump-json` in a private copy of the Armbian
 * checkout, with the plan's files installed under `userpatches/`. Offline, no Docker, no root:
 * as root the framework relaunches itself under Docker or sudo, so a root builder runs it as an
 * unprivileged user (`setpriv`), which owns the copy. Each check has its own copy, so checks run
 * side by side without sharing `userpatches/` or `output/`, and nothing is cached between them.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { frameworkMessages, parseDump, sanitize } from './framework-output.ts';
import { writeWorkDirOwner } from '../work-dirs.ts';
import { resolvedValues, type ResolvedValues } from './resolved-values.ts';

/** What config-dump-json reads, copied: small, and the framework searches some of it with
 * `find` (which does not enter a linked directory). output/, cache/ and userpatches/ of the
 * checkout are left out. */
const COPIED_ENTRIES = ['compile.sh', 'VERSION', 'lib', 'extensions', 'config'];
/** Large and only tested for existence by configuration code (family files look for
 * patch/kernel/<dir>): linked, not copied, so a check of a full checkout stays a copy of a few MB. */
const LINKED_ENTRIES = ['packages', 'patch'];
/** One check takes 2–20 s on two cores; a minute means it hangs (a dialog, a network fetch). */
export const FRAMEWORK_CHECK_TIMEOUT_MS = 120_000;
/** Each check is a bash process tree of a few hundred MB at peak; more at once only queue for CPU. */
export const FRAMEWORK_CHECK_CONCURRENCY = 2;
/** Keep at most this much of the framework's output for the log: enough for every alert. */
const OUTPUT_LIMIT_BYTES = 4 * 1024 * 1024;

export interface FrameworkCheckFile {
  /** Relative to the checkout root, e.g. `userpatches/config-x.conf`. */
  installTo: string;
  /** Text (the plan's files) or bytes (the configuration's userpatches tree). */
  content: string | Uint8Array;
}

export interface FrameworkCheckInput {
  confName: string;
  files: FrameworkCheckFile[];
  signal?: AbortSignal;
}

export type FrameworkCheckResult =
  | {
      ok: true;
      values: ResolvedValues;
      warnings: string[];
      durationMs: number;
      /** The whole `config-dump-json` object, host paths of the check's copy replaced by `<armbian>`. */
      dump: Record<string, unknown>;
    }
  | { ok: false; exitCode: number; errors: string[]; warnings: string[]; durationMs: number };

export interface FrameworkChecker {
  check(input: FrameworkCheckInput): Promise<FrameworkCheckResult>;
  readonly armbianDir: string;
}

export interface FrameworkCheckerDeps {
  armbianDir: string;
  /** Parent of the per-check copies. */
  workRoot: string;
  /** Run compile.sh as this user (uid = gid); null runs it as the current user. Must be set when
   * the builder runs as root. */
  runAsUid: number | null;
  timeoutMs?: number;
  concurrency?: number;
}

export class FrameworkCheckError extends Error {
  readonly code = 'framework_check_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FrameworkCheckError';
  }
}

export function createFrameworkChecker(deps: FrameworkCheckerDeps): FrameworkChecker {
  const limit = deps.concurrency ?? FRAMEWORK_CHECK_CONCURRENCY;
  let active = 0;
  const waiting: Array<() => void> = [];
  const acquire = async (): Promise<void> => {
    if (active < limit) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return {
    armbianDir: deps.armbianDir,
    async check(input) {
      await acquire();
      try {
        return await checkOnce(deps, input);
      } finally {
        release();
      }
    },
  };
}

async function checkOnce(deps: FrameworkCheckerDeps, input: FrameworkCheckInput): Promise<FrameworkCheckResult> {
  const started = Date.now();
  await mkdir(deps.workRoot, { recursive: true });
  // The unprivileged user must be able to reach its copy inside.
  if (deps.runAsUid !== null) await chmod(deps.workRoot, 0o755);
  const workspace = await mkdtemp(path.join(deps.workRoot, 'check-'));
  try {
    // Names this builder as the owner: a builder that crashed mid-check leaves it to the next one's sweep.
    await writeWorkDirOwner(workspace);
    const present = new Set(await readdir(deps.armbianDir));
    for (const entry of COPIED_ENTRIES) {
      if (present.has(entry)) await cp(path.join(deps.armbianDir, entry), path.join(workspace, entry), { recursive: true });
    }
    for (const entry of LINKED_ENTRIES) {
      if (present.has(entry)) await symlink(path.resolve(deps.armbianDir, entry), path.join(workspace, entry));
    }
    await mkdir(path.join(workspace, 'userpatches'), { recursive: true });
    for (const file of input.files) {
      const target = path.join(workspace, file.installTo);
      if (!target.startsWith(`${workspace}${path.sep}`)) throw new FrameworkCheckError(`refusing to write outside the workspace: ${file.installTo}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    if (deps.runAsUid !== null) await chownTree(workspace, deps.runAsUid);
    const run = await runCompile(deps, workspace, input);
    const durationMs = Date.now() - started;
    const messages = frameworkMessages(run.stdout, run.stderr, workspace);
    if (run.code === 0) {
      const dump = parseDump(run.stdout);
      const values = dump ? resolvedValues(dump, workspace) : null;
      if (values) return { ok: true, values, warnings: messages.warnings, durationMs, dump: JSON.parse(sanitize(JSON.stringify(dump), workspace)) as Record<string, unknown> };
      messages.errors.push('the framework printed no configuration (no IMAGE_FILE_ID in its JSON dump)');
    }
    if (messages.errors.length === 0) {
      // No error alert of its own: the framework stopped on a failed check, after warning about
      // the problem ("KERNEL_MAJOR_MINOR is unset"); its warnings are the reason.
      const where = messages.stops[0] ?? `compile.sh exited with ${run.code}`;
      messages.errors.push(...messages.warnings, where);
    }
    return { ok: false, exitCode: run.code, errors: messages.errors, warnings: messages.warnings, durationMs };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

async function chownTree(dir: string, uid: number): Promise<void> {
  await chown(dir, uid, uid);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    // lchown semantics: never follow a link out of the workspace.
    if (entry.isSymbolicLink()) continue;
    await chown(full, uid, uid);
  }
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCompile(deps: FrameworkCheckerDeps, workspace: string, input: FrameworkCheckInput): Promise<RunResult> {
  // A clean environment: the builder's own variables (database URLs, tokens) never reach bash.
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: workspace, CI: 'true', CONFIG_DEFS_ONLY: 'yes', LANG: 'C.UTF-8' };
  const args = ['./compile.sh', input.confName, 'config-dump-json'];
  const [command, ...rest] =
    deps.runAsUid === null
      ? args
      : ['setpriv', `--reuid=${deps.runAsUid}`, `--regid=${deps.runAsUid}`, '--clear-groups', ...args];
  const child = spawn(command!, rest, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const collect = (stream: NodeJS.ReadableStream): { text: () => string } => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size < OUTPUT_LIMIT_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    return { text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect(child.stdout!);
  const err = collect(child.stderr!);
  const kill = (): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch (e) {
      // ESRCH: already gone.
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  };
  const timer = setTimeout(kill, deps.timeoutMs ?? FRAMEWORK_CHECK_TIMEOUT_MS);
  input.signal?.addEventListener('abort', kill, { once: true });
  return new Promise((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new FrameworkCheckError(`could not run compile.sh: ${e.message}`, { cause: e }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', kill);
      if (input.signal?.aborted) {
        reject(new FrameworkCheckError(`framework check aborted: ${String(input.signal.reason)}`));
        return;
      }
      if (signal) {
        reject(new FrameworkCheckError(`framework check killed (${signal}) after ${Math.round((deps.timeoutMs ?? FRAMEWORK_CHECK_TIMEOUT_MS) / 1000)} s or by a signal`));
        return;
      }
      resolve({ code: code ?? -1, stdout: out.text(), stderr: err.text() });
    });
  });
}
