/**
 * JSON Pointers (RFC 6901), the path format of every validation issue, comment and diff entry.
 */

export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function toPointer(segments: readonly (string | number)[]): string {
  let pointer = '';
  for (const segment of segments) pointer += '/' + escapeSegment(segment);
  return pointer;
}

/** Splits a pointer into unescaped segments; '' (the whole document) gives []. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new TypeError(`not a JSON Pointer: ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** An array index segment: digits without a leading zero, as RFC 6901 requires. */
export function asIndex(segment: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : undefined;
}

/**
 * The value at `segments` (unescaped, as `parsePointer` gives them) inside a JSON value, or
 * undefined where the path leads nowhere: a missing property, an index past the end or not written
 * as RFC 6901 requires (`01`, `-`, `1e0`), a step into a string or number. Only own properties
 * count, so `constructor` or `__proto__` never reach the prototype.
 */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      const index = asIndex(segment);
      if (index === undefined || index >= current.length) return undefined;
      current = current[index];
    } else if (current !== null && typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
