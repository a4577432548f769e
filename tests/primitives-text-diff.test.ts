/**
 * The one text diff (`shared/text-diff.ts`) behind the textarea binding, the document binding and
 * the change log: the change it gives turns `before` into `after`, is as small as a single
 * replacement can be, never cuts a character in half, and is placed at the caret when the text
 * repeats.
 */
import { describe, expect, it } from 'vitest';
import { diffText, type TextChange } from '../shared/text-diff.ts';
import { seededRandom } from './helpers/random.ts';

const apply = (before: string, c: TextChange) => before.slice(0, c.index) + c.insert + before.slice(c.index + c.deleteCount);
const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;
/** Whether a cut at `i` falls between the halves of a surrogate pair. */
const splitsPair = (s: string, i: number) => i > 0 && i < s.length && isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i));

/** Few distinct characters, so strings repeat and share long runs; astral ones share halves. */
const ALPHABET = ['a', 'b', '\n', '😀', '😃', '𝐀', 'é'];
const text = (rnd: () => number, max: number) =>
  Array.from({ length: Math.floor(rnd() * max) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]).join('');

describe('diffText', () => {
  it('gives nothing for equal texts', () => {
    expect(diffText('', '')).toBeNull();
    expect(diffText('same', 'same', 2)).toBeNull();
  });

  it('finds the changed middle', () => {
    expect(diffText('echo hello', 'echo world')).toEqual({ index: 5, deleteCount: 5, insert: 'world' });
    expect(diffText('', 'abc')).toEqual({ index: 0, deleteCount: 0, insert: 'abc' });
    expect(diffText('abc', '')).toEqual({ index: 0, deleteCount: 3, insert: '' });
    expect(diffText('line1\nline2\n', 'line1\nLINE2\n')).toEqual({ index: 6, deleteCount: 4, insert: 'LINE' });
  });

  it('places an ambiguous edit at the caret', () => {
    expect(diffText('aa', 'aaa')).toEqual({ index: 2, deleteCount: 0, insert: 'a' });
    expect(diffText('aa', 'aaa', 2)).toEqual({ index: 1, deleteCount: 0, insert: 'a' });
    expect(diffText('aaa', 'aa', 1)).toEqual({ index: 1, deleteCount: 1, insert: '' });
    // A caret that cannot be where the edit ended is ignored.
    expect(diffText('aa', 'aaa', 9)).toEqual({ index: 2, deleteCount: 0, insert: 'a' });
  });

  it('never cuts a surrogate pair, on either side of the edit', () => {
    // 😀 and 😃 share their high half; 𝐀 and 😀 do not share a half.
    expect(diffText('a😀b', 'a😃b')).toEqual({ index: 1, deleteCount: 2, insert: '😃' });
    expect(diffText('a😀b', 'a😃b', 3)).toEqual({ index: 1, deleteCount: 2, insert: '😃' });
    expect(diffText('😀', '😀😀')).toEqual({ index: 2, deleteCount: 0, insert: '😀' });
  });

  it('turns before into after with the smallest single replacement, 5,000 random pairs (seeded)', () => {
    const rnd = seededRandom('primitives-text-diff').next;
    for (let run = 0; run < 5000; run++) {
      const before = text(rnd, 12);
      const after = rnd() < 0.1 ? before : text(rnd, 12);
      const caret = rnd() < 0.5 ? Math.floor(rnd() * (after.length + 1)) : undefined;
      const change = diffText(before, after, caret);
      const label = JSON.stringify({ before, after, caret });
      if (before === after) {
        expect(change, label).toBeNull();
        continue;
      }
      expect(change, label).not.toBeNull();
      expect(apply(before, change!), label).toBe(after);
      const { index, deleteCount, insert } = change!;
      for (const [s, at] of [[before, index], [before, index + deleteCount], [after, index], [after, index + insert.length]] as const) {
        expect(splitsPair(s, at), label).toBe(false);
      }
      if (caret === undefined) {
        // Minimal: the unchanged prefix and suffix could not grow without cutting a character.
        const prefixGrows = index + deleteCount > index && insert.length > 0 && before[index] === insert[0] && !splitsPair(before, index + 1);
        const suffixGrows =
          deleteCount > 0 && insert.length > 0 && before[index + deleteCount - 1] === insert[insert.length - 1] && !splitsPair(before, index + deleteCount - 1);
        expect(prefixGrows, label).toBe(false);
        expect(suffixGrows, label).toBe(false);
      }
    }
  });
});
