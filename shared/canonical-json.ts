/**
 * Canonical JSON: the byte-stable form a content hash is computed over (build snapshots,
 * reviews). Object keys sorted by UTF-16 code units, no whitespace, numbers in JavaScript's
 * shortest round-trip form (as RFC 8785 / JCS does), strings escaped as JSON.stringify does.
 *
 * Environment-free on purpose: the browser may show the hash a review refers to; the hashing
 * itself lives in `content-hash.ts` (node:crypto).
 */

export class CanonicalJsonError extends Error {
  readonly code = 'non_json_value';
}

function serialise(value: unknown, path: string, out: string[]): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      // NaN and Infinity have no JSON form; silently writing null would hash two values alike.
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path || '/'}: ${value} is not a JSON number`);
      // String(-0) is "0", so -0 and 0 hash alike, as they compare equal.
      out.push(String(value));
      return;
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${path || '/'}: a ${typeof value} is not a JSON value`);
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, index) => {
      if (index > 0) out.push(',');
      if (item === undefined) throw new CanonicalJsonError(`${path}/${index}: undefined is not a JSON value`);
      serialise(item, `${path}/${index}`, out);
    });
    out.push(']');
    return;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is what JCS prescribes.
  const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
  out.push('{');
  keys.forEach((key, index) => {
    if (index > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    serialise(record[key], `${path}/${key}`, out);
  });
  out.push('}');
}

/**
 * The canonical JSON text of `value`. Object members whose value is `undefined` are left out
 * (as JSON.stringify does); `undefined` in an array, functions, symbols, bigints and non-finite
 * numbers throw a CanonicalJsonError, because no JSON text represents them.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  serialise(value, '', out);
  return out.join('');
}
