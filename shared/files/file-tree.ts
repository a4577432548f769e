/**
 * The configuration's userpatches tree in the document (docs/architecture.md, "Document layout"):
 * the `files` root maps a validated path (`file-path.ts`) to a text file's `Y.Text` or to a binary
 * file's blob reference `{ sha256, size }` (the bytes live server-side, content-addressed); the
 * `fileModes` root maps the path of every executable file to 0o755 (absent: 0o644). The mode lives
 * beside the content rather than in it so a text file stays one `Y.Text` that an editor binds to,
 * and flipping the bit is one map entry. Folders are not stored: they are the prefixes of paths.
 *
 * Every write here runs in the caller's transaction; text is changed by diff (`applyTextDiff`) so
 * what collaborators type concurrently survives. Runs in the browser and on the server.
 */
import * as Y from 'yjs';
import { applyTextDiff } from '../doc-diff.ts';
import { FILE_MODES_ROOT, FILES_ROOT } from '../doc-layout.ts';
import { SHA256_PATTERN } from './file-path.ts';

export interface BlobRef {
  sha256: string;
  size: number;
}

export const EXECUTABLE_MODE = 0o755;
export const REGULAR_MODE = 0o644;

export type TreeEntry =
  | { path: string; kind: 'text'; text: string; mode: number }
  | { path: string; kind: 'blob'; sha256: string; size: number; mode: number };

export function filesRoot(doc: Y.Doc): Y.Map<Y.Text | BlobRef> {
  return doc.getMap(FILES_ROOT.name);
}

export function fileModesRoot(doc: Y.Doc): Y.Map<number> {
  return doc.getMap(FILE_MODES_ROOT.name);
}

/** Why `value` is not a blob reference, or undefined. */
export function blobRefProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'a binary file entry must be { sha256, size }';
  const keys = Object.keys(value).sort().join(',');
  if (keys !== 'sha256,size') return 'a binary file entry has exactly the keys sha256 and size';
  const { sha256, size } = value as Record<string, unknown>;
  if (typeof sha256 !== 'string' || !SHA256_PATTERN.test(sha256)) return 'a binary file entry\'s sha256 is 64 lower-case hex digits';
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return 'a binary file entry\'s size is a whole number of bytes';
  return undefined;
}

export function isBlobRef(value: unknown): value is BlobRef {
  return blobRefProblem(value) === undefined;
}

/** The one value a `fileModes` entry may hold. */
export function modeProblem(value: unknown): string | undefined {
  return value === EXECUTABLE_MODE ? undefined : 'a file mode entry holds 493 (0o755, executable)';
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Every file, sorted by path (entries of another shape, which the update check never lets in, are skipped). */
export function readTree(doc: Y.Doc): TreeEntry[] {
  const modes = fileModesRoot(doc);
  const out: TreeEntry[] = [];
  for (const [path, value] of filesRoot(doc).entries()) {
    const mode = modes.get(path) === EXECUTABLE_MODE ? EXECUTABLE_MODE : REGULAR_MODE;
    if (value instanceof Y.Text) out.push({ path, kind: 'text', text: value.toString(), mode });
    else if (isBlobRef(value)) out.push({ path, kind: 'blob', sha256: value.sha256, size: value.size, mode });
  }
  return out.sort(byPath);
}

/** The tree of a stored Yjs state (a version, a build snapshot). */
export function readTreeOfState(state: Uint8Array): TreeEntry[] {
  if (state.length === 0) return [];
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return readTree(doc);
  } finally {
    doc.destroy();
  }
}

/** Creates a text file, or turns an existing one into `content` by diff. */
export function putTextFile(doc: Y.Doc, path: string, content: string): void {
  const files = filesRoot(doc);
  const current = files.get(path);
  if (current instanceof Y.Text) {
    applyTextDiff(current, content);
    return;
  }
  const text = new Y.Text();
  text.insert(0, content);
  files.set(path, text);
}

export function putBlobFile(doc: Y.Doc, path: string, ref: BlobRef): void {
  const current = filesRoot(doc).get(path);
  if (isBlobRef(current) && current.sha256 === ref.sha256 && current.size === ref.size) return;
  filesRoot(doc).set(path, { sha256: ref.sha256, size: ref.size });
}

export function setExecutable(doc: Y.Doc, path: string, executable: boolean): void {
  const modes = fileModesRoot(doc);
  if (executable && modes.get(path) !== EXECUTABLE_MODE) modes.set(path, EXECUTABLE_MODE);
  if (!executable && modes.has(path)) modes.delete(path);
}

/** The paths a file-or-folder path names: the file itself, or everything under the folder. */
export function pathsUnder(doc: Y.Doc, path: string): string[] {
  const prefix = `${path}/`;
  return [...filesRoot(doc).keys()].filter((p) => p === path || p.startsWith(prefix));
}

/** Deletes a file, or a folder with everything in it. Returns how many files went. */
export function removePath(doc: Y.Doc, path: string): number {
  const paths = pathsUnder(doc, path);
  for (const p of paths) {
    filesRoot(doc).delete(p);
    fileModesRoot(doc).delete(p);
  }
  return paths.length;
}

/**
 * Renames or moves a file or a folder. Yjs has no move: a text file becomes a new `Y.Text` with
 * the same content (someone typing in the old one at that instant loses that keystroke, as with
 * any delete), a binary keeps its blob. Returns the new paths.
 */
export function movePath(doc: Y.Doc, from: string, to: string): string[] {
  const files = filesRoot(doc);
  const moved: string[] = [];
  for (const p of pathsUnder(doc, from)) {
    const target = to + p.slice(from.length);
    const value = files.get(p);
    // Read before the delete: a deleted Y.Text reads as empty, even within the transaction.
    const content = value instanceof Y.Text ? value.toString() : undefined;
    const executable = fileModesRoot(doc).get(p) === EXECUTABLE_MODE;
    files.delete(p);
    fileModesRoot(doc).delete(p);
    if (content !== undefined) putTextFile(doc, target, content);
    else if (value !== undefined && !(value instanceof Y.Text)) putBlobFile(doc, target, value);
    setExecutable(doc, target, executable);
    moved.push(target);
  }
  return moved;
}

/**
 * Makes the document's tree (or, with `under`, the file or folder at that path) equal to
 * `entries` with the fewest changes (a restore): files not in `entries` go, texts are diffed,
 * blobs and modes set where they differ.
 */
export function writeTree(doc: Y.Doc, entries: readonly TreeEntry[], under?: string): void {
  const inScope = (p: string) => under === undefined || p === under || p.startsWith(`${under}/`);
  const wanted = new Map(entries.filter((e) => inScope(e.path)).map((e) => [e.path, e]));
  for (const path of [...filesRoot(doc).keys()]) if (inScope(path) && !wanted.has(path)) removePath(doc, path);
  for (const path of [...fileModesRoot(doc).keys()]) if (inScope(path) && !wanted.has(path)) fileModesRoot(doc).delete(path);
  for (const entry of wanted.values()) writeEntry(doc, entry);
}

/** Makes one file of the document equal to `entry` (a per-file restore). */
export function writeEntry(doc: Y.Doc, entry: TreeEntry): void {
  const current = filesRoot(doc).get(entry.path);
  if (entry.kind === 'text') {
    if (current !== undefined && !(current instanceof Y.Text)) filesRoot(doc).delete(entry.path);
    putTextFile(doc, entry.path, entry.text);
  } else putBlobFile(doc, entry.path, entry);
  setExecutable(doc, entry.path, entry.mode === EXECUTABLE_MODE);
}
