/**
 * What one person did to a text during a burst, as edits: "inserted "abc" at 12", "deleted "xy"
 * at 3", or both at one place. Pure: no Yjs, no database.
 *
 * Edits arrive as the transaction's operations in sequence (`TextOp`, in the coordinates of the
 * text as each operation found it, like a Yjs delta). A burst keeps them as hunks over the text
 * as it is now: sorted, non-overlapping places where the person replaced `delete` (text that was
 * there before the burst) by `insert`. Typing on at the end of a hunk, typing inside it, or
 * backspacing into it changes that hunk, so a word typed, corrected and retyped is one hunk with
 * the final word. Someone else's edit to the same text moves the hunks (their own burst records
 * what they did), so a hunk's position stays where its text is now and two people typing at once
 * never show up in each other's entries.
 */
import { diffText } from '../../shared/text-diff.ts';

/** One operation of a transaction on a text: `at` counts UTF-16 units of the text as it was just
 * before this operation (after the transaction's earlier operations). */
export type TextOp = { at: number; insert: string; delete?: undefined } | { at: number; delete: string; insert?: undefined };

/** A place where a burst replaced `delete` by `insert` (either may be ''), at `at` in the text now. */
export interface Hunk {
  at: number;
  /** Length in the text now of what remains of `insert`: less than `insert.length` when someone
   * else deleted part of it (the hunk still says what this person typed). */
  len: number;
  insert: string;
  delete: string;
}

/** A hunk as stored and shown (`ChangeView.edits`). */
export interface TextEdit {
  at: number;
  insert?: string;
  delete?: string;
}

/** The part of a text that changed: `before` and `after` without their common prefix and suffix
 * (`shared/text-diff.ts`); nothing at the end of the text when they are equal. */
export function textExcerpt(before: string, after: string): { before: string; after: string; offset: number } {
  const change = diffText(before, after);
  if (!change) return { before: '', after: '', offset: before.length };
  return { before: before.slice(change.index, change.index + change.deleteCount), after: change.insert, offset: change.index };
}

const isWordChar = (s: string, i: number) => /[\p{L}\p{N}_]/u.test(s.charAt(i));
/** A place between two characters that is not inside a word. */
const atBoundary = (s: string, i: number) => i <= 0 || i >= s.length || !isWordChar(s, i - 1) || !isWordChar(s, i);

/**
 * `textExcerpt`, but a replacement (something deleted and something inserted) is widened to whole
 * words: "acme3B" → "acme3A" reads as that, not as "B" → "A" after a prefix nobody sees. A pure
 * insertion or deletion stays exact.
 */
export function wordExcerpt(before: string, after: string): { before: string; after: string; offset: number } {
  const x = textExcerpt(before, after);
  if (x.before === '' || x.after === '') return x;
  let start = x.offset;
  while (start > 0 && !(atBoundary(before, start) && atBoundary(after, start))) start--;
  let endBefore = x.offset + x.before.length;
  let endAfter = x.offset + x.after.length;
  while (endBefore < before.length && !(atBoundary(before, endBefore) && atBoundary(after, endAfter))) {
    endBefore++;
    endAfter++;
  }
  return { before: before.slice(start, endBefore), after: after.slice(start, endAfter), offset: start };
}

/** The operations turning `before` into `after` as one replacement (a whole value replaced at once,
 * e.g. a text field set anew): the changed middle, deleted then inserted. */
export function replacementOps(before: string, after: string): TextOp[] {
  const x = wordExcerpt(before, after);
  const ops: TextOp[] = [];
  if (x.before !== '') ops.push({ at: x.offset, delete: x.before });
  if (x.after !== '') ops.push({ at: x.offset, insert: x.after });
  return ops;
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** Where, in `h.insert`, the text position `pos` falls (exact while nobody else cut into it). */
function indexIn(h: Hunk, pos: number): number {
  if (h.len === h.insert.length) return pos - h.at;
  // Someone deleted part of it: positions inside are approximate, the ends exact.
  return pos <= h.at ? 0 : pos >= h.at + h.len ? h.insert.length : clamp(pos - h.at, 0, h.insert.length);
}

/** The hunks after this person inserted `text` at `at`. */
function ownInsert(hunks: Hunk[], at: number, text: string): Hunk[] {
  const out: Hunk[] = [];
  let done = false;
  for (const h of hunks) {
    if (done) {
      out.push({ ...h, at: h.at + text.length });
      continue;
    }
    if (at < h.at) {
      out.push({ at, len: text.length, insert: text, delete: '' }, { ...h, at: h.at + text.length });
      done = true;
    } else if (at <= h.at + h.len) {
      const k = indexIn(h, at);
      out.push({ ...h, len: h.len + text.length, insert: h.insert.slice(0, k) + text + h.insert.slice(k) });
      done = true;
    } else {
      out.push(h);
    }
  }
  if (!done) out.push({ at, len: text.length, insert: text, delete: '' });
  return out;
}

/** The hunks after this person deleted `text` at `at`: what they had inserted themselves is taken
 * back out of the hunk, text that was there before is recorded as deleted, and the hunks the
 * deletion touches become one (the text between them is gone). */
function ownDelete(hunks: Hunk[], at: number, text: string): Hunk[] {
  const end = at + text.length;
  const before: Hunk[] = [];
  const touched: Hunk[] = [];
  const after: Hunk[] = [];
  for (const h of hunks) {
    if (h.at + h.len < at) before.push(h);
    else if (h.at > end) after.push({ ...h, at: h.at - text.length });
    else touched.push(h);
  }
  let deleted = '';
  let inserted = '';
  let len = 0;
  let pos = at;
  for (const h of touched) {
    if (h.at > pos) deleted += text.slice(pos - at, h.at - at);
    deleted += h.delete;
    const from = indexIn(h, Math.max(at, h.at));
    const to = indexIn(h, Math.min(end, h.at + h.len));
    inserted += h.insert.slice(0, from) + h.insert.slice(Math.max(from, to));
    len += h.len - Math.max(0, Math.min(end, h.at + h.len) - Math.max(at, h.at));
    pos = Math.max(pos, h.at + h.len);
  }
  if (pos < end) deleted += text.slice(pos - at);
  const start = touched.length > 0 ? Math.min(at, touched[0].at) : at;
  const merged: Hunk[] = deleted === '' && inserted === '' ? [] : [{ at: start, len, insert: inserted, delete: deleted }];
  return [...before, ...merged, ...after];
}

/** The hunks after someone else inserted `length` characters at `at`. Inside a hunk, the hunk is
 * split around their text. */
function othersInsert(hunks: Hunk[], at: number, length: number): Hunk[] {
  const out: Hunk[] = [];
  for (const h of hunks) {
    // At the very place of a hunk their text goes before its text; a hunk that is only a deletion
    // (or whose text they deleted) stays before theirs.
    if (at < h.at || (at === h.at && h.len > 0)) out.push({ ...h, at: h.at + length });
    else if (at < h.at + h.len) {
      const k = indexIn(h, at);
      out.push(
        { at: h.at, len: at - h.at, insert: h.insert.slice(0, k), delete: h.delete },
        { at: at + length, len: h.len - (at - h.at), insert: h.insert.slice(k), delete: '' },
      );
    } else out.push(h);
  }
  return out;
}

/** The hunks after someone else deleted `length` characters at `at`: they move, and a hunk whose
 * text was cut keeps saying what this person typed. */
function othersDelete(hunks: Hunk[], at: number, length: number): Hunk[] {
  const end = at + length;
  return hunks.map((h) => {
    if (h.at >= end) return { ...h, at: h.at - length };
    if (h.at + h.len <= at) return h;
    const cut = Math.min(end, h.at + h.len) - Math.max(at, h.at);
    return { ...h, at: Math.min(h.at, at), len: h.len - Math.max(0, cut) };
  });
}

/** Folds this person's operations into their hunks. */
export function applyOwn(hunks: Hunk[], ops: readonly TextOp[]): Hunk[] {
  let out = hunks;
  for (const op of ops) out = op.insert !== undefined ? ownInsert(out, op.at, op.insert) : ownDelete(out, op.at, op.delete);
  return out;
}

/** Moves this person's hunks past someone else's operations. */
export function applyOthers(hunks: Hunk[], ops: readonly TextOp[]): Hunk[] {
  let out = hunks;
  for (const op of ops) out = op.insert !== undefined ? othersInsert(out, op.at, op.insert.length) : othersDelete(out, op.at, op.delete.length);
  return out;
}

/**
 * The hunks as stored and shown; empty when the burst changed nothing. `textNow` (the text as it
 * is now, read only if needed) lets a replacement that starts or ends inside a word take in the
 * rest of that word, so retyping "Armbian" as "Acme" reads as that, not as "rmbian" → "cme".
 */
export function editsOf(hunks: readonly Hunk[], textNow?: () => string | undefined): TextEdit[] {
  const edits: TextEdit[] = [];
  let text: string | undefined;
  let read = false;
  const current = () => {
    if (!read) {
      read = true;
      text = textNow?.();
    }
    return text;
  };
  hunks.forEach((h, i) => {
    // Deleting "cat" and typing "cut" replaced one letter: show that.
    const x = wordExcerpt(h.delete, h.insert);
    if (x.before === '' && x.after === '') return;
    let at = h.at + x.offset;
    let removed = x.before;
    let added = x.after;
    // Someone else may have cut into the hunk's own text: then only the text before it is sure.
    const intact = h.len === h.insert.length;
    if (removed !== '' && added !== '' && textNow) {
      const startsInWord = x.offset === 0 && (isWordChar(removed, 0) || isWordChar(added, 0));
      const endsInWord =
        intact &&
        x.offset + x.before.length === h.delete.length &&
        x.offset + x.after.length === h.insert.length &&
        (isWordChar(removed, removed.length - 1) || isWordChar(added, added.length - 1));
      const t = startsInWord || endsInWord ? current() : undefined;
      if (t !== undefined && (!intact || t.slice(h.at, h.at + h.len) === h.insert)) {
        if (startsInWord) {
          const floor = i > 0 ? hunks[i - 1].at + hunks[i - 1].len : 0;
          let k = Math.min(h.at, t.length);
          while (k > floor && isWordChar(t, k - 1)) k--;
          removed = t.slice(k, h.at) + removed;
          added = t.slice(k, h.at) + added;
          at = k;
        }
        if (endsInWord) {
          const ceiling = i + 1 < hunks.length ? hunks[i + 1].at : t.length;
          let e = h.at + h.len;
          while (e < ceiling && isWordChar(t, e)) e++;
          removed += t.slice(h.at + h.len, e);
          added += t.slice(h.at + h.len, e);
        }
      }
    }
    edits.push({ at, ...(removed === '' ? {} : { delete: removed }), ...(added === '' ? {} : { insert: added }) });
  });
  return edits;
}
