/**
 * The one text diff: the single replacement that turns one string into another, found as their
 * common prefix and suffix. Pure, browser-safe, no Yjs. Used where a text changed as a whole and the
 * edit has to be recovered from before and after:
 * - the textarea binding (`client/form/text-binding.ts`): a keystroke becomes the smallest Y.Text
 *   edit, placed by the caret when the text repeats;
 * - the document binding (`shared/doc-diff.ts`): inside each changed block of a line diff;
 * - the change log (`server/history/text-edits.ts`): the changed part of a text set anew.
 *
 * Offsets count UTF-16 code units, like Y.Text and JavaScript strings. The edit never starts or ends
 * between the two halves of a surrogate pair: Y.Text would store half a character on each side.
 */

/** At `index`, delete `deleteCount` code units of `before` and insert `insert`. */
export interface TextChange {
  index: number;
  deleteCount: number;
  insert: string;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * The single change turning `before` into `after`, or null when they are equal. `caret` (where the
 * selection ends after the edit) places an ambiguous edit: typing "a" after the first "a" of "aa"
 * inserts at the caret, not at the end.
 */
export function diffText(before: string, after: string, caret?: number): TextChange | null {
  if (before === after) return null;
  const minLength = Math.min(before.length, after.length);
  const same = (i: number, j: number) => before.charCodeAt(i) === after.charCodeAt(j);
  const sameFromEnd = (n: number) => same(before.length - 1 - n, after.length - 1 - n);
  let prefix = 0;
  let suffix = 0;
  if (caret !== undefined && caret >= 0 && caret <= after.length) {
    // The edit ends at the caret, so the unchanged tail is at most the text after the caret.
    const suffixLimit = Math.min(minLength, after.length - caret);
    while (suffix < suffixLimit && sameFromEnd(suffix)) suffix++;
    while (prefix < minLength - suffix && same(prefix, prefix)) prefix++;
  } else {
    while (prefix < minLength && same(prefix, prefix)) prefix++;
    if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
    while (suffix < minLength - prefix && sameFromEnd(suffix)) suffix++;
  }
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { index: prefix, deleteCount: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}
