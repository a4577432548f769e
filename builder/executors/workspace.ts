/**
 * A real build's own copy of the pinned framework, so builds never share a mutable checkout: its
 * own `userpatches/` (only the plan's files), its own `output/` (everything in it is this build's),
 * the operator's checkout untouched.
 *
 * - A git checkout gets a `git worktree add --detach <commit>`: the tracked tree at exactly the
 *   pinned commit, written by git in a second or two, with nothing untracked (no operator
 *   userpatches, cache or output).
 * - A plain directory is copied with `cp -a --reflink=auto`, leaving out `cache/`, `output/`,
 *   `userpatches/` and `.tmp/`: copy-on-write (instant) on btrfs/XFS, a real copy elsewhere. Not
 *   hard links: the workspace is chowned to the build user, and a hard link shares its inode (and
 *   so its owner and content) with the operator's file, which a build could then rewrite.
 */
import { execFile } from 'node:child_process';
import { chown, mkdir, readdir, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FrameworkPin } from './framework-source.ts';
import { gitArgs } from './framework-source.ts';

const run = promisify(execFile);

/** Copying or checking out a framework tree (a few hundred MB with patch/) takes seconds; a
 * quarter of an hour means a dead disk or a hung NFS mount. */
const WORKSPACE_COMMAND_TIMEOUT_MS = 15 * 60_000;
/** What a plain-directory copy leaves out: the operator's caches, outputs and userpatches, and
 * the framework's scratch space. A workspace starts with none of them. */
export const WORKSPACE_EXCLUDED = new Set(['cache', 'output', 'userpatches', '.tmp', '.git']);

/** The user and group a build runs as; null: the builder's own (it is not root). */
export interface BuildUser {
  uid: number;
  gid: number;
}

async function sh(command: string, args: string[]): Promise<void> {
  await run(command, args, { timeout: WORKSPACE_COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

/**
 * Creates the workspace at `root` (which must not exist) from the pin, owned by `owner`. With
 * `cacheDir`, its `cache/` is a link to that directory, shared by the builds of this builder: the
 * framework's downloads, rootfs caches, git bundles and ccache (`cache/ccache`) survive the
 * workspace, and in Docker mode the framework bind-mounts the same directory (Linux).
 */
export async function createWorkspace(pin: FrameworkPin, root: string, owner: BuildUser | null, cacheDir: string | null = null): Promise<void> {
  await mkdir(path.dirname(root), { recursive: true });
  if (pin.git && pin.commit) {
    await sh('git', gitArgs(pin.dir, 'worktree', 'add', '--detach', '--quiet', root, pin.commit));
  } else {
    await mkdir(root);
    const entries = (await readdir(pin.dir)).filter((name) => !WORKSPACE_EXCLUDED.has(name)).map((name) => path.join(pin.dir, name));
    if (entries.length > 0) await sh('cp', ['-a', '--reflink=auto', ...entries, `${root}/`]);
  }
  // Whatever the tree carries under these names is not this build's.
  for (const name of ['userpatches', 'output', 'cache', '.tmp']) await rm(path.join(root, name), { recursive: true, force: true });
  await mkdir(path.join(root, 'userpatches'));
  await mkdir(path.join(root, 'output'));
  if (cacheDir) {
    await mkdir(cacheDir, { recursive: true });
    // Only the top: what the framework writes inside is already the build user's, and a
    // recursive chown of tens of GB on every build would cost what the cache saves.
    if (owner) await chown(cacheDir, owner.uid, owner.gid);
    await symlink(path.resolve(cacheDir), path.join(root, 'cache'));
  }
  // A copy keeps the source's modes; a read-only tree (a packaged checkout) must become writable
  // for the framework, which creates output/, .tmp/ and cache/ under its own root.
  await sh('chmod', ['-R', 'u+w', root]);
  if (owner) await chownWorkspace(root, owner);
}

/** Hands the workspace (and, for a worktree, git's administrative folder of it, which git
 * commands in the tree write to) to the build user. `chown -R` does not follow links. */
export async function chownWorkspace(root: string, owner: BuildUser): Promise<void> {
  const ids = `${owner.uid}:${owner.gid}`;
  await sh('chown', ['-R', ids, root]);
  const gitdir = await worktreeGitDir(root);
  if (gitdir) await sh('chown', ['-R', ids, gitdir]);
}

async function worktreeGitDir(root: string): Promise<string | null> {
  const text = await readFile(path.join(root, '.git'), 'utf8').catch(() => null);
  const match = text ? /^gitdir:\s*(.+)$/m.exec(text) : null;
  return match ? path.resolve(root, match[1]!.trim()) : null;
}

/** Removes a workspace, and git's record of it when it was a worktree. Never throws for a
 * workspace that is already gone. */
export async function removeWorkspace(pin: FrameworkPin, root: string): Promise<void> {
  // Files the build user made read-only (or a framework run as root inside) still go: the builder
  // owns the parent directory.
  await sh('chmod', ['-R', 'u+w', root]).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
  if (pin.git) await pruneWorktrees(pin.dir);
}

/** Forgets worktrees whose directories are gone (removed workspaces, a crashed builder's). */
export async function pruneWorktrees(dir: string): Promise<void> {
  await sh('git', gitArgs(dir, 'worktree', 'prune'));
}
