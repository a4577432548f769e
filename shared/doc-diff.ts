/**
 * Minimal in-place edits of Yjs values: the smallest set of inserts and deletes that turns a
 * Y.Text or Y.Array into a new value. Concurrent edits by others land in the untouched parts and
 * survive; a delete-all/insert-all would silently drop them.
 */
import * as Y from 'yjs';
import { diffSequences } from './sequence-diff.ts';
import { diffText } from './text-diff.ts';

/** Deep equality of JSON values (arrays in order, objects regardless of key order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  if (keys.length !== Object.keys(rb).filter((k) => rb[k] !== undefined).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && jsonEqual(ra[k], rb[k]));
}

/** Lines with their terminating '\n' kept, so joining them gives the text back. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const withBreaks = lines.map((line) => line + '\n');
  if (last !== '') withBreaks.push(last);
  return withBreaks;
}

/** Replace `before` by `after` at `offset`, touching only the characters that differ. */
function replaceRange(text: Y.Text, offset: number, before: string, after: string): void {
  const change = diffText(before, after);
  if (!change) return;
  if (change.deleteCount > 0) text.delete(offset + change.index, change.deleteCount);
  if (change.insert.length > 0) text.insert(offset + change.index, change.insert);
}

/**
 * Turns `text` into `next` by a line diff, then a character diff inside each changed block.
 * Must run inside a transaction (the caller's), so the edits travel as one update.
 */
export function applyTextDiff(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  const before = splitLines(current);
  const after = splitLines(next);
  const offsets = [0];
  for (const line of before) offsets.push(offsets[offsets.length - 1] + line.length);
  const hunks = diffSequences(before, after);
  // Last hunk first: earlier offsets stay valid while later text changes.
  for (let i = hunks.length - 1; i >= 0; i--) {
    const h = hunks[i];
    replaceRange(
      text,
      offsets[h.aStart],
      before.slice(h.aStart, h.aEnd).join(''),
      after.slice(h.bStart, h.bEnd).join(''),
    );
  }
}

/**
 * Turns `array` into `next` (JSON items), inserting new items through `toY` so nested
 * containers get their Yjs types. Items are compared by JSON value.
 */
export function applyArrayDiff(array: Y.Array<unknown>, next: readonly unknown[], toY: (item: unknown, index: number) => unknown): void {
  const current = array.toJSON() as unknown[];
  const hunks = diffSequences<unknown>(current, next, jsonEqual);
  for (let i = hunks.length - 1; i >= 0; i--) {
    const h = hunks[i];
    if (h.aEnd > h.aStart) array.delete(h.aStart, h.aEnd - h.aStart);
    if (h.bEnd > h.bStart) {
      array.insert(h.aStart, next.slice(h.bStart, h.bEnd).map((item, j) => toY(item, h.bStart + j)));
    }
  }
}
