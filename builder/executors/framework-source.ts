/**
 * The pinned framework a real build copies: `ARMBIAN_DIR` (an Armbian build checkout) at
 * `ARMBIAN_REF` (a commit, tag or branch of it; none: whatever the checkout holds). Checked at
 * builder start and before every build, so a missing or broken checkout is the operator's setup
 * error (`BuilderSetupError`), never a failed build and never a retry loop.
 */
import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { frameworkCommit } from '../framework-check/framework-commit.ts';
import { BuilderSetupError } from './types.ts';

const run = promisify(execFile);

/** A git command on the operator's checkout answers in milliseconds; this long means it hangs. */
const GIT_TIMEOUT_MS = 30_000;

export interface FrameworkSource {
  dir: string;
  /** Commit, tag or branch to build from; null: the checkout as it is. */
  ref: string | null;
}

/** What a build's workspace is made from, resolved from a `FrameworkSource`. */
export interface FrameworkPin {
  dir: string;
  /** The full commit the workspace holds (null: a copy without .git that names none). */
  commit: string | null;
  /** The framework's VERSION file at that commit. */
  version: string | null;
  /** true: a git checkout, the workspace is a `git worktree`; false: a copied tree. */
  git: boolean;
}

/** Git refuses a repository owned by another user ("dubious ownership") unless told it is safe;
 * a root builder reads the operator's checkout, and only reads it. */
export function gitArgs(dir: string, ...args: string[]): string[] {
  return ['-c', `safe.directory=${dir}`, '-C', dir, ...args];
}

async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', gitArgs(dir, ...args), { timeout: GIT_TIMEOUT_MS, encoding: 'utf8' });
  return stdout.trim();
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Resolves the pin, or throws `BuilderSetupError` saying what is wrong: the directory is missing,
 * is not a framework tree (the framework's own sanity check looks for `lib/single.sh`), has no
 * executable `compile.sh`, or does not know `ARMBIAN_REF`.
 */
export async function resolveFrameworkSource(source: FrameworkSource): Promise<FrameworkPin> {
  const dir = path.resolve(source.dir);
  try {
    if (!(await stat(dir)).isDirectory()) throw new BuilderSetupError(`ARMBIAN_DIR ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof BuilderSetupError) throw err;
    throw new BuilderSetupError(`ARMBIAN_DIR ${dir} does not exist`, { cause: err });
  }
  const compile = path.join(dir, 'compile.sh');
  if (!(await isFile(compile))) throw new BuilderSetupError(`ARMBIAN_DIR ${dir} is not an Armbian build checkout: it has no compile.sh`);
  if (!(await isFile(path.join(dir, 'lib', 'single.sh')))) {
    throw new BuilderSetupError(`ARMBIAN_DIR ${dir} is not an Armbian build checkout: it has no lib/single.sh (the framework's own "missing build directory structure")`);
  }
  const isGit = existsSync(path.join(dir, '.git'));
  if (source.ref === null) {
    try {
      await access(compile, constants.X_OK);
    } catch (err) {
      throw new BuilderSetupError(`${compile} is not executable`, { cause: err });
    }
    const version = await readFile(path.join(dir, 'VERSION'), 'utf8').then((v) => v.trim(), () => null);
    let commit: string | null;
    try {
      commit = frameworkCommit(dir);
    } catch (err) {
      throw new BuilderSetupError(`ARMBIAN_DIR ${dir}: git cannot read its commit (${(err as Error).message.split('\n')[0]})`, { cause: err });
    }
    return { dir, commit, version, git: isGit };
  }
  if (!isGit) throw new BuilderSetupError(`ARMBIAN_REF ${source.ref} is set but ARMBIAN_DIR ${dir} is not a git checkout`);
  let commit: string;
  try {
    commit = await git(dir, 'rev-parse', '--verify', '--quiet', `${source.ref}^{commit}`);
  } catch (err) {
    throw new BuilderSetupError(`ARMBIAN_REF ${source.ref} is not a commit of ARMBIAN_DIR ${dir} (fetch it, or fix the setting)`, { cause: err });
  }
  const version = await git(dir, 'show', `${commit}:VERSION`).catch(() => null);
  const tree = await git(dir, 'ls-tree', '--name-only', commit, 'compile.sh', 'lib/single.sh').catch(() => '');
  if (!tree.includes('compile.sh') || !tree.includes('lib/single.sh')) {
    throw new BuilderSetupError(`ARMBIAN_REF ${source.ref} (${commit}) of ${dir} is not an Armbian build tree: no compile.sh or lib/single.sh`);
  }
  return { dir, commit, version, git: true };
}
