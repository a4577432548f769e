/**
 * Which paths a configuration's userpatches tree may hold (docs/architecture.md, "Document
 * layout", the files root). One module for the browser (the Files panel refuses a bad name as it
 * is typed) and the server (the update check refuses a document update that places a file at a
 * bad path, whoever sent it).
 *
 * A path is relative to `userpatches/`, `/`-separated, with no empty, `.` or `..` segment, no
 * leading `/`, no backslash or control character (a tarball and a shell must read it the same
 * way), within a length and depth budget, and not a name Boardroom or the framework reserves.
 */

export const FileLimits = {
  /** Whole path in UTF-16 units: a kernel patch path is ~100; 255 fits any real tree and a tar
   * header with its prefix field. */
  pathLength: 255,
  /** Folder depth: `overlay/usr/local/share/<app>/<dir>/file` is 7. */
  depth: 16,
  /** One segment: the usual filesystem name limit. */
  segmentLength: 128,
  /** Files in one configuration: a patch series of a few hundred plus overlay files. */
  fileCount: 1_000,
} as const;

/**
 * Names inside userpatches/ that are not the tree's to hold: what the plan writes from the
 * configuration itself, and files by which the framework would be steered around the plan.
 * - `config-*.conf` and `config-*.conf.sh` at the top: `./compile.sh <name>` sources
 *   `userpatches/config-<name>.conf[.sh]` (lib/functions/cli/utils-cli.sh); the plan writes the
 *   configuration's own, and another would be a second, unreviewed configuration.
 * - `customize-image.sh`: written from the configuration's customize script field.
 * - `extensions/boardroom-*`: the plan's own extensions (the extra packages).
 * - `VERSION`: the framework takes it as its own version (image names, packages).
 * - `.tmp`, `cache`, `output`: build scratch, never input.
 */
const RESERVED_TOP = new Set(['customize-image.sh', 'VERSION', '.tmp', 'cache', 'output']);

/** Why `path` cannot be a file of the tree, or undefined when it can. */
export function filePathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || path === '') return 'the path is empty';
  if (path.length > FileLimits.pathLength) return `the path is longer than ${FileLimits.pathLength} characters`;
  if (path.startsWith('/')) return 'the path must be relative to userpatches/ (no leading /)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return 'the path contains a control character or a backslash';
  const segments = path.split('/');
  if (segments.length > FileLimits.depth) return `the path is deeper than ${FileLimits.depth} folders`;
  for (const segment of segments) {
    if (segment === '') return 'the path has an empty folder name (// or a trailing /)';
    if (segment === '.' || segment === '..') return `the path may not contain "${segment}"`;
    if (segment.length > FileLimits.segmentLength) return `a name in the path is longer than ${FileLimits.segmentLength} characters`;
    if (segment.trim() !== segment) return 'a name in the path starts or ends with a space';
  }
  const top = segments[0];
  if (RESERVED_TOP.has(top)) return `userpatches/${top} is reserved: ${reservedWhy(top)}`;
  if (segments.length === 1 && /^config-.*\.conf(\.sh)?$/.test(top)) {
    return 'userpatches/config-*.conf is reserved: the build writes the configuration\'s own conf file';
  }
  if (top === 'extensions' && segments.length === 2 && segments[1].startsWith('boardroom-')) {
    return 'userpatches/extensions/boardroom-* is reserved for the extensions the build writes';
  }
  return undefined;
}

function reservedWhy(top: string): string {
  if (top === 'customize-image.sh') return 'it is written from the configuration\'s customize script';
  if (top === 'VERSION') return 'the framework would take it as its own version';
  return 'it is build scratch space';
}

/** Parent folders of a path, shortest first (`a/b/c` → `a`, `a/b`). */
export function parentFolders(path: string): string[] {
  const segments = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < segments.length; i++) out.push(segments.slice(0, i).join('/'));
  return out;
}

/**
 * Why a tree holding `paths` cannot be written to a disk, or undefined: too many files, or a path
 * that is a file and a folder at once (`a` and `a/b`).
 */
export function treeProblem(paths: Iterable<string>): string | undefined {
  const all = new Set(paths);
  if (all.size > FileLimits.fileCount) return `a configuration holds at most ${FileLimits.fileCount} files`;
  for (const path of all) {
    for (const folder of parentFolders(path)) {
      if (all.has(folder)) return `"${folder}" cannot be a file and a folder at once (${path})`;
    }
  }
  return undefined;
}

/** A lower-case hex SHA-256. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
