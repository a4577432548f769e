/**
 * Everything a real build left behind, read from its own workspace's `output/` (which started
 * empty, so every file in it is this build's; nothing is picked by guessing from names):
 *
 * - `output/images/` (and the `images/<BOARD>/<MAKE_FOLDERS>` subfolders the framework may use):
 *   the image (`.img`, `.img.xz`, `.img.zst`), its `.sha`, its `.txt`, and whatever image hooks
 *   add (lib/functions/image/rootfs-to-image.sh, `move_images_to_final_destination`);
 * - `output/debs/` and `output/debs-beta/` (the framework's DEB_STORAGE): kernel, u-boot, firmware
 *   and BSP packages;
 * - `output/logs/`: the framework's own logs of this run (`log-build-<uuid>.log[.ans]`, the
 *   Markdown summary), written by its exit trap (lib/functions/logging/trap-logging.sh).
 *
 * Links and anything but regular files are skipped: a build must not make the builder read a
 * file outside its workspace.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { checkArtifactName } from '../../shared/builds/artifact-name.ts';
import type { ExecutorContext } from './types.ts';

export interface CollectedArtifact {
  name: string;
  size: number;
  sha256: string;
}

/** Where in `output/` each kind lives, and which of its files are taken. */
const OUTPUT_KINDS: ReadonlyArray<{ dir: string; recursive: boolean; take: (name: string) => boolean }> = [
  { dir: 'images', recursive: true, take: () => true },
  { dir: 'debs', recursive: true, take: (name) => name.endsWith('.deb') },
  { dir: 'debs-beta', recursive: true, take: (name) => name.endsWith('.deb') },
  // archive/ holds older runs' logs; a fresh workspace has none, and they are not this build's.
  { dir: 'logs', recursive: false, take: () => true },
];

/** Regular files under `dir`, as paths relative to it; links and special files left out. */
async function regularFiles(dir: string, recursive: boolean): Promise<string[]> {
  const found: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: string[];
    try {
      entries = await readdir(path.join(dir, rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of entries.sort()) {
      const relPath = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(path.join(dir, relPath));
      if (info.isFile()) found.push(relPath);
      else if (info.isDirectory() && recursive) await walk(relPath);
    }
  };
  await walk('');
  return found;
}

/** Stores what the build left; answers how many images (files in output/images) it stored. */
export async function collectOutputs(
  ctx: Pick<ExecutorContext, 'log'>,
  root: string,
  add: (name: string, file: string) => Promise<void>,
): Promise<{ images: number }> {
  const taken = new Set<string>();
  let images = 0;
  for (const kind of OUTPUT_KINDS) {
    const dir = path.join(root, 'output', kind.dir);
    for (const rel of await regularFiles(dir, kind.recursive)) {
      const base = path.basename(rel);
      if (!kind.take(base)) continue;
      // Artifact names are one path segment: a file in a subfolder keeps its folder in its name
      // only when its own name is already taken.
      const name = taken.has(base) ? rel.split('/').join('__') : base;
      const check = checkArtifactName(name);
      if (!check.ok || taken.has(name)) {
        ctx.log(`skipped output/${kind.dir}/${rel}: ${check.message ?? 'its name is taken'}`, 'system');
        continue;
      }
      taken.add(name);
      await add(name, path.join(dir, rel));
      if (kind.dir === 'images') images += 1;
      ctx.log(`collected output/${kind.dir}/${rel}${name !== base ? ` as ${name}` : ''}`, 'system');
    }
  }
  return { images };
}

/** `sha256sum` format, sorted by name, over every artifact the build stored. */
export function sumsFile(artifacts: readonly CollectedArtifact[]): string {
  return [...artifacts]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((a) => `${a.sha256}  ${a.name}\n`)
    .join('');
}
