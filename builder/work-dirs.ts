/**
 * Build attempts' work directories (`<BUILD_WORK_DIR>/<buildId>-<attempt>`, a real build's
 * framework workspace inside) are removed when the attempt ends. A builder that crashed could not
 * do that, so each directory names its owner (host, pid and a per-process id) and the next
 * builder to start on the host removes those whose owner is gone: a real workspace is a framework
 * tree of hundreds of MB and an image of several GB.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { UUID_PATTERN } from '../shared/uuid.ts';

const OWNER_FILE = '.owner.json';
/** `<uuid>-<attempt>`: what run-build names an attempt's directory. Nothing else is touched. */
const ATTEMPT_DIR = new RegExp(`^${UUID_PATTERN}-\\d+$`);
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

/** Removes attempt directories whose builder is gone; answers how many. */
export async function sweepWorkDirs(workRoot: string, logger: Logger): Promise<number> {
  let names: string[];
  try {
    names = await readdir(workRoot);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names) {
    if (!ATTEMPT_DIR.test(name)) continue;
    const dir = path.join(workRoot, name);
    const owner = await readFile(path.join(dir, OWNER_FILE), 'utf8').then(
      (text) => JSON.parse(text) as Owner,
      () => null,
    );
    if (!abandoned(owner)) continue;
    await rm(dir, { recursive: true, force: true });
    removed += 1;
    logger.warn({ dir }, 'removed the work directory of a build whose builder stopped');
  }
  return removed;
}
