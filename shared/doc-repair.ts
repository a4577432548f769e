/**
 * Shape checking and repair of a configuration document (docs/architecture.md, "Server authority"): the server
 * checks every applied transaction and undoes type and shape violations with a compensating
 * transaction of its own, telling the author what it changed and why.
 *
 * - `checkDocShape(doc)`: `checkShape` of the JSON, plus what only the document shows: a value
 *   stored as the wrong Yjs type (a plain array instead of a Y.Array, Y.Text where a plain value
 *   belongs). A plain string where Y.Text belongs is accepted (older clients write them).
 * - `repairShape(doc, issues, origin)`: fixes them in one transaction and lists the repairs.
 *   Afterwards `checkShape(configToJson(doc))` and `checkDocShape(doc)` are empty.
 */
import * as Y from 'yjs';
import { configMap, configToJson, toYValue, yKindFor, type YKind } from './doc-binding.ts';
import { asIndex, parsePointer, toPointer } from './json-pointer.ts';
import { schemaAt, titleAt } from './schema/schema-path.ts';
import { checkShape, configSchema, type RepairedIssue, type ValidationIssue } from './validation/index.ts';
import { describeValue } from './validation/issue.ts';

/**
 * Repair passes before the last resort. One pass normally suffices; a second handles what the
 * first exposed (a plain array converted to a Y.Array whose items are then checked). The last
 * resort deletes the offending top-level value, which always leaves a well-shaped document.
 */
const MAX_REPAIR_PASSES = 3;

const KIND_WORDS: Record<YKind | 'other', string> = {
  text: 'shared text (Y.Text)',
  array: 'a shared list (Y.Array)',
  map: 'a shared group (Y.Map)',
  value: 'a plain value',
  other: 'an unsupported shared type',
};

function actualKind(value: unknown): YKind | 'other' {
  if (value instanceof Y.Text) return 'text';
  if (value instanceof Y.Array) return 'array';
  if (value instanceof Y.Map) return 'map';
  if (value instanceof Y.AbstractType) return 'other';
  return 'value';
}

/** Values whose JSON is right but whose Yjs type is not (the JSON check cannot see these). */
function kindIssues(container: Y.Map<unknown> | Y.Array<unknown>, path: string[], out: ValidationIssue[]): void {
  const entries: Array<[string, unknown]> =
    container instanceof Y.Map ? Array.from(container.entries()) : container.toArray().map((v, i) => [String(i), v]);
  for (const [key, value] of entries) {
    const at = [...path, key];
    const schema = schemaAt(configSchema, at);
    if (!schema) continue; // unknown keys are additionalProperties issues of the JSON check
    const json = value instanceof Y.AbstractType ? value.toJSON() : value;
    const wanted = yKindFor(schema, json);
    const actual = actualKind(value);
    // A plain string where free text belongs is accepted: clients of the older layout write them
    // (docs/architecture.md, "Document layout"). Repairing would race such a client's next
    // keystroke (its concurrent map write loses to the repair) and drop what it typed; the next
    // load or any structured write turns it into Y.Text.
    if (wanted === 'text' && actual === 'value') continue;
    if (actual !== wanted) {
      out.push({
        path: toPointer(at),
        keyword: 'type',
        severity: 'error',
        message: `${titleAt(configSchema, at)} must be stored as ${KIND_WORDS[wanted]}, not ${KIND_WORDS[actual]}`,
      });
    } else if (value instanceof Y.Map || value instanceof Y.Array) {
      kindIssues(value, at, out);
    }
  }
}

/** Every type/shape issue of the document, JSON and Yjs types alike. */
export function checkDocShape(doc: Y.Doc): ValidationIssue[] {
  const issues = checkShape(configToJson(doc));
  const seen = new Set(issues.map((i) => i.path));
  const kinds: ValidationIssue[] = [];
  kindIssues(configMap(doc), [], kinds);
  for (const issue of kinds) if (!seen.has(issue.path)) issues.push(issue);
  return issues;
}

type Container = Y.Map<unknown> | Y.Array<unknown>;

function child(container: Container, key: string): unknown {
  if (container instanceof Y.Map) return container.has(key) ? container.get(key) : undefined;
  const index = asIndex(key);
  return index !== undefined && index < container.length ? container.get(index) : undefined;
}

/** The Yjs container holding `segments`' last element, if every step is a Yjs container. */
function parentOf(doc: Y.Doc, segments: string[]): Container | undefined {
  let current: unknown = configMap(doc);
  for (const segment of segments.slice(0, -1)) {
    if (!(current instanceof Y.Map || current instanceof Y.Array)) return undefined;
    current = child(current, segment);
  }
  return current instanceof Y.Map || current instanceof Y.Array ? current : undefined;
}

function replace(parent: Container, key: string, value: unknown): void {
  if (parent instanceof Y.Map) {
    parent.set(key, value);
  } else {
    const index = Number(key);
    parent.delete(index, 1);
    parent.insert(index, [value]);
  }
}

function remove(parent: Container, key: string): void {
  if (parent instanceof Y.Map) parent.delete(key);
  else parent.delete(Number(key), 1);
}

/** Cut a string to `limit` UTF-16 units without leaving half a surrogate pair. */
function cutLength(text: string, limit: number): number {
  const code = text.charCodeAt(limit - 1);
  return limit > 0 && code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/** Fixes one issue; returns what it did, or undefined when it cannot act (yet). */
function repairOne(doc: Y.Doc, issue: ValidationIssue): RepairedIssue | undefined {
  const segments = parsePointer(issue.path);
  if (segments.length === 0) return undefined;
  const parent = parentOf(doc, segments);
  const key = segments[segments.length - 1];
  if (!parent || child(parent, key) === undefined) return undefined;
  const value = child(parent, key);
  const json = value instanceof Y.AbstractType ? value.toJSON() : value;
  const schema = schemaAt(configSchema, segments);
  // "Entry 3 of Extensions" reads as "entry 3 of Extensions" inside a sentence.
  const title = titleAt(configSchema, segments).replace(/^Entry /, 'entry ');
  const done = (message: string): RepairedIssue => ({ path: issue.path, keyword: issue.keyword, message });

  switch (issue.keyword) {
    case 'additionalProperties':
      remove(parent, key);
      return done(`Removed unknown setting '${key}'`);
    case 'type': {
      if (schema && (schema.type === 'string' ? typeof json === 'string' : schema.type === 'array' ? Array.isArray(json) : false)) {
        replace(parent, key, toYValue(json, segments));
        return done(`Stored ${title} as ${KIND_WORDS[yKindFor(schema, json)]}`);
      }
      const fallback = segments.length === 1 && schema && 'x-order' in schema && !schema['x-when'] ? schema.default : undefined;
      if (fallback !== undefined && parent instanceof Y.Map) {
        replace(parent, key, toYValue(structuredClone(fallback), segments));
        return done(`Reset ${title} to its default ${JSON.stringify(fallback)}: it was ${describeValue(json)}`);
      }
      remove(parent, key);
      return done(`Removed ${title}: it was ${describeValue(json)}`);
    }
    case 'maxLength': {
      const limit = schema && 'maxLength' in schema ? schema.maxLength : undefined;
      if (limit === undefined || typeof json !== 'string' || json.length <= limit) return undefined;
      const keep = cutLength(json, limit);
      if (value instanceof Y.Text) value.delete(keep, value.length - keep);
      else replace(parent, key, json.slice(0, keep));
      return done(`Shortened ${title} to ${keep} characters; the limit is ${limit}`);
    }
    case 'maxItems': {
      const limit = schema && 'maxItems' in schema ? schema.maxItems : undefined;
      if (limit === undefined || !(value instanceof Y.Array) || value.length <= limit) return undefined;
      value.delete(limit, value.length - limit);
      return done(`Kept the first ${limit} entries of ${title}, the most it may have`);
    }
    case 'maximum':
    case 'exclusiveMaximum': {
      const limit = schema && 'maximum' in schema ? schema.maximum : undefined;
      if (limit === undefined || typeof json !== 'number') return undefined;
      replace(parent, key, limit);
      return done(`Lowered ${title} from ${json} to its maximum ${limit}`);
    }
    default:
      return undefined;
  }
}

/** Deepest paths first, and later array items before earlier ones, so indices stay valid. */
function repairOrder(a: ValidationIssue, b: ValidationIssue): number {
  const sa = parsePointer(a.path);
  const sb = parsePointer(b.path);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    if (sa[i] === sb[i]) continue;
    const ia = asIndex(sa[i]);
    const ib = asIndex(sb[i]);
    if (ia !== undefined && ib !== undefined) return ib - ia;
    return sa[i] < sb[i] ? -1 : 1;
  }
  return sb.length - sa.length;
}

/**
 * Repairs type and shape issues in one transaction tagged `origin` and returns what it did.
 * `issues` normally comes from `checkDocShape(doc)`; anything it misses or that a repair exposes
 * is found by re-checking, so the document always ends well-shaped.
 */
export function repairShape(doc: Y.Doc, issues: readonly ValidationIssue[], origin?: unknown): RepairedIssue[] {
  const repaired: RepairedIssue[] = [];
  if (issues.length === 0) return repaired;
  doc.transact(() => {
    let pending = [...issues];
    for (let pass = 0; pass < MAX_REPAIR_PASSES && pending.length > 0; pass++) {
      for (const issue of [...pending].sort(repairOrder)) {
        const result = repairOne(doc, issue);
        if (result) repaired.push(result);
      }
      pending = checkDocShape(doc);
    }
    const map = configMap(doc);
    for (const issue of pending) {
      const top = parsePointer(issue.path)[0];
      if (top !== undefined && map.has(top)) {
        map.delete(top);
        repaired.push({ path: toPointer([top]), keyword: issue.keyword, message: `Removed ${titleAt(configSchema, [top])}: it could not be repaired` });
      }
    }
  }, origin);
  return repaired;
}
