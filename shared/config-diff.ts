/**
 * Field-level difference between two configurations (versions, a version and now, a review's
 * base and its state). Environment-free: the server answers `GET /api/configs/:id/diff` with it,
 * and the browser may run it on its live document (a review's "changed since approval").
 *
 * Objects are compared member by member; arrays, strings and numbers are compared as whole values
 * (a list of packages is one field in the form, and so one entry here). On top of the value
 * changes, a property with an `x-when` condition that starts or stops applying is reported even
 * when its own value did not change: a desktop environment that "vanished" because BUILD_DESKTOP
 * was switched off changes the build as much as an edit does.
 */
import { jsonEqual } from './doc-diff.ts';
import { toPointer } from './json-pointer.ts';
import { effectiveValue, isApplicable } from './schema/conditions.ts';
import type { ConfigSchema } from './schema/types.ts';

/**
 * - add / remove / change: the stored value appeared, disappeared or changed.
 * - appear / vanish: the stored value is the same, but the property's condition now holds (it
 *   shows up in the form and reaches the build) or no longer does. Listed only when the field has
 *   a value in effect (stored, or the schema default): an empty field appearing changes nothing.
 */
export type DiffOp = 'add' | 'remove' | 'change' | 'appear' | 'vanish';

export interface DiffEntry {
  /** JSON Pointer into the configuration. */
  path: string;
  op: DiffOp;
  /** The value before (null when there was none). For appear/vanish: the value in effect. */
  before: unknown;
  after: unknown;
  /** Present when the property's condition holds on one side only. */
  applicable?: { before: boolean; after: boolean };
  /** The properties of that condition whose values differ: why it appeared or vanished. */
  because?: string[];
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const has = (object: Json, key: string) => Object.prototype.hasOwnProperty.call(object, key) && object[key] !== undefined;

/** Every schema property in the form's order (a conditional one may matter even when neither side
 * stores it: a default that now applies is part of what the change did), then keys the schema
 * does not know, alphabetically. */
function orderedKeys(schema: ConfigSchema, before: Json, after: Json): string[] {
  const known = Object.keys(schema.properties);
  const rest = Object.keys({ ...before, ...after }).filter((k) => !Object.prototype.hasOwnProperty.call(schema.properties, k)).sort();
  return [...known, ...rest];
}

function diffValues(before: unknown, after: unknown, segments: string[], out: DiffEntry[]): void {
  if (before === undefined && after === undefined) return;
  const path = toPointer(segments);
  if (before === undefined) {
    out.push({ path, op: 'add', before: null, after });
    return;
  }
  if (after === undefined) {
    out.push({ path, op: 'remove', before, after: null });
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys({ ...before, ...after }).sort()) {
      diffValues(has(before, key) ? before[key] : undefined, has(after, key) ? after[key] : undefined, [...segments, key], out);
    }
    return;
  }
  if (!jsonEqual(before, after)) out.push({ path, op: 'change', before, after });
}

/**
 * What changed from `before` to `after`, in the form's order. `schema` supplies the property
 * order and the `x-when` conditions (pass `configSchema`).
 */
export function diffConfigs(before: Json, after: Json, schema: ConfigSchema): DiffEntry[] {
  const out: DiffEntry[] = [];
  for (const key of orderedKeys(schema, before, after)) {
    const b = has(before, key) ? before[key] : undefined;
    const a = has(after, key) ? after[key] : undefined;
    const entries: DiffEntry[] = [];
    diffValues(b, a, [key], entries);
    const property = Object.prototype.hasOwnProperty.call(schema.properties, key) ? schema.properties[key] : undefined;
    const when = property?.['x-when'];
    if (when) {
      const applicable = { before: isApplicable(schema, before, key), after: isApplicable(schema, after, key) };
      if (applicable.before !== applicable.after) {
        const because = Object.keys(when).filter(
          (p) => !jsonEqual(effectiveValue(schema, before, p), effectiveValue(schema, after, p)),
        );
        const inEffect = effectiveValue(schema, applicable.after ? after : before, key);
        // A field with no value at all that shows up or goes away changes nothing in the build.
        if (entries.length === 0 && inEffect !== undefined) {
          entries.push({
            path: toPointer([key]),
            op: applicable.after ? 'appear' : 'vanish',
            before: effectiveValue(schema, before, key) ?? null,
            after: effectiveValue(schema, after, key) ?? null,
          });
        }
        for (const entry of entries) Object.assign(entry, { applicable, because });
      }
    }
    out.push(...entries);
  }
  return out;
}
