/**
 * Which commit of the Armbian framework a checkout is at: `git rev-parse HEAD` in a clone; a copy
 * without `.git` (the trimmed copy tests use, a tarball) names it in a `COMMIT` file or in its
 * `SOURCE.md`. Null when nothing says; the manifest then records only `VERSION`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface FrameworkIdentity {
  commit: string | null;
  version: string | null;
}

export function frameworkCommit(dir: string): string | null {
  if (existsSync(path.join(dir, '.git'))) {
    // safe.directory: a root builder reads a checkout another user owns (git refuses it otherwise).
    return execFileSync('git', ['-c', `safe.directory=${dir}`, '-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  }
  for (const name of ['COMMIT', 'SOURCE.md']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    const match = /\b([0-9a-f]{40})\b/.exec(readFileSync(file, 'utf8'));
    if (match) return match[1]!;
  }
  return null;
}

export function frameworkIdentity(dir: string): FrameworkIdentity {
  const versionFile = path.join(dir, 'VERSION');
  return {
    commit: frameworkCommit(dir),
    version: existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : null,
  };
}
