/**
 * Build attempts' work directories (`<BUILD_WORK_DIR>/<buildId>-<attempt>`, a real build's
 * framework workspace inside) are removed when the attempt ends. A builder that crashed could not
 * do that, so each directory names its owner (host, pid and a per-process id) and the next
 * builder to start on the host removes those whose owner is gone: a real workspace is a framework
 * tree of hundreds of MB and an image of several GB.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { UUID_PATTERN } from '../shared/uuid.ts';

const OWNER_FILE = '.owner.json';
/** `<uuid>-<attempt>`: what run-build names an attempt's directory. Nothing else is touched. */
const ATTEMPT_DIR = new RegExp(`^${UUID_PATTERN}-\\d+$`);
/** Where framework checks make their workspaces, under the work root (builder/settings.ts). */
export const FRAMEWORK_CHECKS_DIR = 'framework-checks';
/** `check-XXXXXX`: what the framework checker's mkdtemp names a check's workspace. */
const CHECK_DIR = /^check-[A-Za-z0-9]{6}$/;
/** A check workspace without an owner file is left alone this long: its checker may be between
 * making it and writing the file. A check takes 10–20 s. */
const UNOWNED_CHECK_GRACE_MS = 10 * 60_000;
/** This process: a pid alone is not enough (a restarted container gets the same pid again). */
const INSTANCE = randomUUID();

interface Owner {
  host: string;
  pid: number;
  instance: string;
}

export async function writeWorkDirOwner(dir: string): Promise<void> {
  const owner: Owner = { host: hostname(), pid: process.pid, instance: INSTANCE };
  await writeFile(path.join(dir, OWNER_FILE), JSON.stringify(owner), 'utf8');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the directory's owner certainly gone? Unknown owners on another host are left alone. */
function abandoned(owner: Owner | null): boolean {
  if (owner === null) return true;
  if (owner.host !== hostname()) return false;
  if (owner.instance === INSTANCE) return false;
  return owner.pid === process.pid || !alive(owner.pid);
}

/** Removes attempt directories, and framework-check workspaces (`framework-checks/check-*`), whose
 * builder is gone; answers how many. */
export async function sweepWorkDirs(workRoot: string, logger: Logger, now: number = Date.now()): Promise<number> {
  let removed = await sweepDir(workRoot, ATTEMPT_DIR, logger, () => true);
  // A check workspace is a copy of the framework tree (tens of MB) on every check a builder ran.
  removed += await sweepDir(path.join(workRoot, FRAMEWORK_CHECKS_DIR), CHECK_DIR, logger, async (dir) => now - (await stat(dir)).mtimeMs > UNOWNED_CHECK_GRACE_MS);
  return removed;
}

async function sweepDir(root: string, pattern: RegExp, logger: Logger, unownedIsAbandoned: (dir: string) => boolean | Promise<boolean>): Promise<number> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const dir = path.join(root, name);
    const owner = await readFile(path.join(dir, OWNER_FILE), 'utf8').then(
      (text) => JSON.parse(text) as Owner,
      () => null,
    );
    if (owner === null ? !(await unownedIsAbandoned(dir)) : !abandoned(owner)) continue;
    await rm(dir, { recursive: true, force: true });
    removed += 1;
    logger.warn({ dir }, 'removed a work directory whose builder stopped');
  }
  return removed;
}
