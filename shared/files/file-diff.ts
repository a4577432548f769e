/**
 * Diff of two userpatches trees for history (`GET …/diff`) and restores: one entry per file that
 * differs, path `#files/<file path>`, after the configuration's and the notes' entries. A text
 * file's before/after are its text, and `change` is the one replacement between them
 * (`shared/text-diff.ts`); a binary file's are its `{ sha256, size }`; `mode` is there when the
 * executable bit changed. Pure and browser-safe.
 */
import { FILES_PATH } from '../doc-layout.ts';
import { diffText, type TextChange } from '../text-diff.ts';
import type { TreeEntry } from './file-tree.ts';

export interface FileDiffEntry {
  path: string;
  op: 'add' | 'remove' | 'change';
  before: unknown;
  after: unknown;
  change?: TextChange;
  mode?: { before: number | null; after: number | null };
}

/** `#files/<path>`: how history, diffs and restores address one file. */
export function fileDiffPath(path: string): string {
  return `${FILES_PATH}/${path}`;
}

/** The file path addressed by a diff/restore path, `''` for the whole tree, undefined if not a files path. */
export function filePathOf(path: string): string | undefined {
  if (path === FILES_PATH) return '';
  return path.startsWith(`${FILES_PATH}/`) ? path.slice(FILES_PATH.length + 1) : undefined;
}

function contentOf(entry: TreeEntry | undefined): unknown {
  if (!entry) return null;
  return entry.kind === 'text' ? entry.text : { sha256: entry.sha256, size: entry.size };
}

function sameContent(a: TreeEntry, b: TreeEntry): boolean {
  if (a.kind === 'text' && b.kind === 'text') return a.text === b.text;
  if (a.kind === 'blob' && b.kind === 'blob') return a.sha256 === b.sha256 && a.size === b.size;
  return false;
}

export function diffTrees(before: readonly TreeEntry[], after: readonly TreeEntry[]): FileDiffEntry[] {
  const old = new Map(before.map((e) => [e.path, e]));
  const now = new Map(after.map((e) => [e.path, e]));
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort();
  const out: FileDiffEntry[] = [];
  for (const path of paths) {
    const b = old.get(path);
    const a = now.get(path);
    if (b && a && sameContent(b, a) && b.mode === a.mode) continue;
    const entry: FileDiffEntry = { path: fileDiffPath(path), op: !b ? 'add' : !a ? 'remove' : 'change', before: contentOf(b), after: contentOf(a) };
    if (b?.kind === 'text' && a?.kind === 'text') {
      const change = diffText(b.text, a.text);
      if (change) entry.change = change;
    }
    if ((b?.mode ?? null) !== (a?.mode ?? null)) entry.mode = { before: b?.mode ?? null, after: a?.mode ?? null };
    out.push(entry);
  }
  return out;
}
