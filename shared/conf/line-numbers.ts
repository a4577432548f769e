/**
 * 1-based line numbers of offsets in a text, for what the `.conf` lexer and importer report
 * ("line 12: …"). Built once per text; each lookup is a binary search over the line starts.
 */
export function lineNumbers(src: string): (offset: number) => number {
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
