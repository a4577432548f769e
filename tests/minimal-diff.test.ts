/**
 * The diff behind writeConfig: applying its hunks always gives the new sequence, and it changes
 * no more items than necessary (so collaborators' edits in untouched places survive).
 */
import { describe, expect, it } from 'vitest';
import { diffSequences } from '../shared/sequence-diff.ts';

function apply(a: string[], b: string[], maxEdits?: number): { result: string[]; changed: number } {
  const hunks = diffSequences(a, b, undefined, maxEdits);
  const result = [...a];
  for (const h of [...hunks].reverse()) result.splice(h.aStart, h.aEnd - h.aStart, ...b.slice(h.bStart, h.bEnd));
  return { result, changed: hunks.reduce((n, h) => n + (h.aEnd - h.aStart) + (h.bEnd - h.bStart), 0) };
}

function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}

describe('diffSequences', () => {
  const seed = 7_340_033;
  it(`turns a into b with the fewest changes, 3,000 random pairs (seed ${seed})`, () => {
    let state = seed;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const sequence = () => Array.from({ length: Math.floor(random() * 15) }, () => 'abcd'[Math.floor(random() * 4)]);
    for (let i = 0; i < 3000; i++) {
      const a = sequence();
      const b = sequence();
      const { result, changed } = apply(a, b);
      expect(result, `${a.join('')} → ${b.join('')}`).toEqual(b);
      expect(changed, `${a.join('')} → ${b.join('')}`).toBe(a.length + b.length - 2 * lcsLength(a, b));
    }
  });

  it('returns nothing for equal sequences', () => {
    expect(diffSequences(['x', 'y'], ['x', 'y'])).toEqual([]);
  });

  it('keeps separate hunks for separate changes', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7'];
    const b = ['1', 'two', '3', '4', '5', 'six', '7'];
    expect(diffSequences(a, b)).toEqual([
      { aStart: 1, aEnd: 2, bStart: 1, bEnd: 2 },
      { aStart: 5, aEnd: 6, bStart: 5, bEnd: 6 },
    ]);
  });

  it('falls back to one replacement when the change is too large to merge finely', () => {
    const a = 'abcdefgh'.split('');
    const b = 'hgfedcba'.split('');
    expect(diffSequences(a, b, undefined, 2)).toEqual([{ aStart: 0, aEnd: 8, bStart: 0, bEnd: 8 }]);
    expect(apply(a, b, 2).result).toEqual(b);
  });
});
