/**
 * Where a comment thread hangs: a field (JSON Pointer plus the schema version it was written
 * against), a line of a text file (`#files/<path>` plus a position, shared/files/file-line-anchor.ts)
 * or, with a null anchor, the configuration as a whole. Environment-free: the server
 * marks threads detached when it lists them, and the form can work out the same thing live from
 * its own document to place count badges.
 */
import { parsePointer, valueAt } from './json-pointer.ts';
import { isApplicable } from './schema/conditions.ts';
import { schemaAt } from './schema/schema-path.ts';
import type { ConfigSchema } from './schema/types.ts';

export interface CommentAnchor {
  path: string;
  schemaVersion: string;
  /** File-line threads: the line's start as an encoded Yjs relative position (base64). */
  position?: string;
  /** File-line threads: the line (1-based) when the thread was started or last moved. */
  line?: number;
}

/**
 * - removed: the path points at nothing any more (a deleted list entry, a property the schema no
 *   longer has).
 * - not_applicable: the field exists but its `x-when` condition does not hold, so the form does
 *   not show it (it comes back when the condition holds again).
 */
export type DetachedReason = 'removed' | 'not_applicable';

export type AnchorStatus = { detached: false } | { detached: true; reason: DetachedReason };

/**
 * Whether a thread anchored at `path` still has its place in `config`. A field that exists in the
 * schema but holds no value is still there (the form shows it empty): commenting "please fill this
 * in" must not detach. A list entry that is gone, or a property unknown to `schema` (a thread from
 * an older schema version), is removed.
 */
export function anchorStatus(schema: ConfigSchema, config: Record<string, unknown>, path: string): AnchorStatus {
  let segments: string[];
  try {
    segments = parsePointer(path);
  } catch {
    return { detached: true, reason: 'removed' };
  }
  if (segments.length === 0) return { detached: false };
  const top = segments[0];
  const known = Object.prototype.hasOwnProperty.call(schema.properties, top);
  if (known && !isApplicable(schema, config, top)) return { detached: true, reason: 'not_applicable' };
  if (valueAt(config, segments) !== undefined) return { detached: false };
  const fieldSchema = schemaAt(schema, segments);
  const parent = segments.length === 1 ? config : valueAt(config, segments.slice(0, -1));
  // An empty property of an existing object is a field; a missing array index is not.
  const isEmptyField = fieldSchema !== undefined && parent !== null && typeof parent === 'object' && !Array.isArray(parent);
  return isEmptyField ? { detached: false } : { detached: true, reason: 'removed' };
}
