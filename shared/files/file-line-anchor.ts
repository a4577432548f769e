/**
 * Comment threads on a line of a text file of the userpatches tree (docs/architecture.md,
 * "Document layout", the files root): the anchor is the file's path (`#files/<path>`, the name
 * the diff uses) plus a Yjs relative position at the start of the line, encoded in base64. A
 * relative position names a character of the file's `Y.Text`, not an offset, so the thread stays
 * on its line while lines are added or removed above it, by anyone. A rename makes a new `Y.Text`
 * (Yjs has no move, file-tree.ts `movePath`), so the client that renames moves the threads with
 * it (`positionInMovedFile`); a thread whose position no longer points into its file shows at the
 * line it was started on. Runs in the browser and on the server.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';
import { filesRoot } from './file-tree.ts';

/** Anchor paths of file lines start with this; the rest is the file's path. */
export const FILE_ANCHOR_PREFIX = '#files/';
/** An encoded relative position is a client id, a clock and a flag: tens of bytes. Longer is not one. */
export const MAX_ANCHOR_POSITION_LENGTH = 256;
/** Line numbers past this are not a file anyone comments on line by line. */
export const MAX_ANCHOR_LINE = 10_000_000;

export const isFileAnchorPath = (path: string): boolean => path.startsWith(FILE_ANCHOR_PREFIX);
export const fileAnchorPath = (filePath: string): string => FILE_ANCHOR_PREFIX + filePath;
export const filePathOfAnchor = (path: string): string => path.slice(FILE_ANCHOR_PREFIX.length);

/** The 1-based line of offset `index` in `content`. */
export function lineAt(content: string, index: number): number {
  let line = 1;
  for (let i = content.indexOf('\n'); i !== -1 && i < index; i = content.indexOf('\n', i + 1)) line++;
  return line;
}

/** The offset where 1-based `line` starts (the end of the text past its last line). */
export function lineStart(content: string, line: number): number {
  let index = 0;
  for (let n = 1; n < line; n++) {
    const next = content.indexOf('\n', index);
    if (next === -1) return content.length;
    index = next + 1;
  }
  return index;
}

/** The position of the start of `line` in `text`, encoded for an anchor. */
export function encodeLinePosition(text: Y.Text, line: number): string {
  const index = lineStart(text.toString(), line);
  return toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index)));
}

/** The relative position an anchor holds, or null when it is not one. */
export function decodePosition(encoded: string): Y.RelativePosition | null {
  if (encoded.length === 0 || encoded.length > MAX_ANCHOR_POSITION_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return null;
  try {
    return Y.decodeRelativePosition(fromBase64(encoded));
  } catch {
    return null;
  }
}

/** Where a relative position is in `doc`, or null. A position decoded from bytes someone made up
 * may name an item the document does not have, which Yjs answers with a throw. */
function absoluteOf(rpos: Y.RelativePosition, doc: Y.Doc): Y.AbsolutePosition | null {
  try {
    return Y.createAbsolutePositionFromRelativePosition(rpos, doc);
  } catch {
    return null;
  }
}

export type FileLineStatus =
  /** The position points into the file: `line` is where that line is now. */
  | { detached: false; line: number; exact: true }
  /** The file is there but the position points elsewhere (it was re-created): the stored line. */
  | { detached: false; line: number; exact: false }
  /** No text file at the path any more (deleted, renamed by a client that did not move the thread). */
  | { detached: true; reason: 'removed' };

/** Where a file-line thread is in `doc` now. `storedLine`: the line it was started on. */
export function fileLineStatus(doc: Y.Doc, anchorPath: string, position: string | null | undefined, storedLine: number | null | undefined): FileLineStatus {
  const text = filesRoot(doc).get(filePathOfAnchor(anchorPath));
  if (!(text instanceof Y.Text)) return { detached: true, reason: 'removed' };
  const rpos = position ? decodePosition(position) : null;
  const abs = rpos ? absoluteOf(rpos, doc) : null;
  const content = text.toString();
  if (abs && abs.type === text) return { detached: false, line: lineAt(content, abs.index), exact: true };
  return { detached: false, line: Math.min(Math.max(1, storedLine ?? 1), lineAt(content, content.length)), exact: false };
}

/**
 * A file was moved from `fromPath` to `toPath` in `doc` (the old `Y.Text` `before` is gone):
 * the anchor position of a thread on the same line of the new file, or null when the old
 * position did not point into the old file. `beforeIndex` is the thread's offset in the old file,
 * read before the move (`offsetIn`).
 */
export function positionInMovedFile(doc: Y.Doc, toPath: string, beforeIndex: number): string | null {
  const text = filesRoot(doc).get(toPath);
  if (!(text instanceof Y.Text)) return null;
  const index = Math.min(beforeIndex, text.length);
  return toBase64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index)));
}

/** The offset an anchor position points at in the file at `filePath`, or null. */
export function offsetIn(doc: Y.Doc, filePath: string, position: string): number | null {
  const text = filesRoot(doc).get(filePath);
  const rpos = decodePosition(position);
  if (!(text instanceof Y.Text) || !rpos) return null;
  const abs = absoluteOf(rpos, doc);
  return abs && abs.type === text ? abs.index : null;
}
