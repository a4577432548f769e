/**
 * Myers' O((N+M)·D) difference of two sequences, as replace hunks. The doc binding uses it to
 * turn "here is the new text / list" into the smallest set of Yjs edits, so a collaborator's
 * concurrent edit outside the changed places survives the merge.
 */

/** Replace `a[aStart, aEnd)` with `b[bStart, bEnd)`. Hunks are ordered and do not overlap. */
export interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/**
 * Beyond this many single-item edits the middle part is replaced as one hunk. Time and memory
 * grow with (N+M)·D and D², and a change that large is a rewrite, not an edit worth merging
 * finely: 1,024 keeps the worst case of a 64 Ki-line script to a fraction of a second.
 */
export const MAX_DIFF_EDITS = 1024;

function myersMatches<T>(a: readonly T[], b: readonly T[], equal: (x: T, y: T) => boolean, maxEdits: number): Array<[number, number]> | undefined {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, maxEdits) && found < 0; d++) {
    // Keep the furthest-reaching x of each diagonal as it was before step d, for the way back.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && equal(a[x], b[y])) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return undefined;
  const matches: Array<[number, number]> = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const prev = trace[d];
    const at = (k: number): number => prev[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    // Walk the run of equal items that followed the edit of step d back to where it began.
    while (x > prevX && y > prevY) {
      x--;
      y--;
      matches.push([x, y]);
    }
    x = prevX;
    y = prevY;
  }
  return matches.reverse();
}

/** Hunks turning `a` into `b`; empty when they are equal. */
export function diffSequences<T>(
  a: readonly T[],
  b: readonly T[],
  equal: (x: T, y: T) => boolean = (x, y) => x === y,
  maxEdits: number = MAX_DIFF_EDITS,
): Hunk[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && equal(a[prefix], b[prefix])) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    equal(a[a.length - 1 - suffix], b[b.length - 1 - suffix])
  ) suffix++;
  const aMid = a.slice(prefix, a.length - suffix);
  const bMid = b.slice(prefix, b.length - suffix);
  if (aMid.length === 0 && bMid.length === 0) return [];
  const whole: Hunk = { aStart: prefix, aEnd: prefix + aMid.length, bStart: prefix, bEnd: prefix + bMid.length };
  if (aMid.length === 0 || bMid.length === 0) return [whole];
  const matches = myersMatches(aMid, bMid, equal, maxEdits);
  if (!matches) return [whole];
  const hunks: Hunk[] = [];
  let ai = 0;
  let bi = 0;
  for (const [mx, my] of [...matches, [aMid.length, bMid.length] as [number, number]]) {
    if (mx > ai || my > bi) hunks.push({ aStart: prefix + ai, aEnd: prefix + mx, bStart: prefix + bi, bEnd: prefix + my });
    ai = mx + 1;
    bi = my + 1;
  }
  return hunks;
}
