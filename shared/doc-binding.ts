/**
 * The configuration ⇄ Yjs document binding, guided by the schema.
 *
 * Layout (docs/architecture.md, "Document layout"; `doc-layout.ts`): the configuration root holds it. JSON
 * objects are Y.Map, arrays Y.Array, free-text strings (`isFreeText`: every string that is not a
 * choice from a list, single-line or multi-line) Y.Text so several people can type in them at
 * once, every other value (choices, numbers, booleans) a plain JSON value in its map.
 *
 * API:
 * - `configToJson(doc)`: the configuration as plain JSON (Y.Text becomes its string).
 * - `writeConfig(doc, data, origin?)`: replace the whole configuration in one transaction with the
 *   fewest changes: equal values are not touched, Y.Text and Y.Array are edited by a diff.
 * - `defaultConfig()`: the schema defaults a new configuration starts from.
 * - `toYValue(value, path)`: the Yjs form of a JSON value at a place in the configuration.
 * Shape checks and repairs of a document are in `doc-repair.ts`.
 */
import * as Y from 'yjs';
import { applyArrayDiff, applyTextDiff, jsonEqual } from './doc-diff.ts';
import { configRoot } from './doc-layout.ts';
import { isFreeText, schemaAt, type AnySchema } from './schema/schema-path.ts';
import type { BoardConfig } from './schema/config-type.ts';
import { configSchema } from './validation/index.ts';

export type YKind = 'text' | 'array' | 'map' | 'value';

/** The root Y.Map holding the configuration (declared in `doc-layout.ts`). */
export function configMap(doc: Y.Doc): Y.Map<unknown> {
  return configRoot(doc);
}

/** The configuration as plain JSON. A fresh document gives `{}`. */
export function configToJson(doc: Y.Doc): Record<string, unknown> {
  return configMap(doc).toJSON() as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Y.AbstractType);
}

/** How a JSON value is stored at a place with schema `schema` (undefined: not in the schema). */
export function yKindFor(schema: AnySchema | undefined, value: unknown): YKind {
  if (typeof value === 'string') return isFreeText(schema) ? 'text' : 'value';
  if (Array.isArray(value)) return 'array';
  if (isPlainObject(value)) return 'map';
  return 'value';
}

/** The Yjs form of `value` at `path` (schema property segments, array indices as strings). */
export function toYValue(value: unknown, path: readonly string[]): unknown {
  switch (yKindFor(schemaAt(configSchema, path), value)) {
    case 'text':
      return new Y.Text(value as string);
    case 'array': {
      const array = new Y.Array<unknown>();
      array.insert(0, (value as unknown[]).map((item, i) => toYValue(item, [...path, String(i)])));
      return array;
    }
    case 'map': {
      const map = new Y.Map<unknown>();
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (item !== undefined) map.set(key, toYValue(item, [...path, key]));
      }
      return map;
    }
    default:
      return value;
  }
}

function syncEntry(map: Y.Map<unknown>, key: string, value: unknown, path: string[]): void {
  const current = map.get(key);
  const kind = yKindFor(schemaAt(configSchema, path), value);
  if (kind === 'text' && current instanceof Y.Text) return applyTextDiff(current, value as string);
  if (kind === 'array' && current instanceof Y.Array) {
    return applyArrayDiff(current, value as unknown[], (item, i) => toYValue(item, [...path, String(i)]));
  }
  if (kind === 'map' && current instanceof Y.Map) return syncMap(current, value as Record<string, unknown>, path);
  if (kind === 'value' && map.has(key) && !(current instanceof Y.AbstractType) && jsonEqual(current, value)) return;
  map.set(key, toYValue(value, path));
}

function syncMap(map: Y.Map<unknown>, data: Record<string, unknown>, path: string[]): void {
  for (const key of Array.from(map.keys())) {
    if (!Object.prototype.hasOwnProperty.call(data, key) || data[key] === undefined) map.delete(key);
  }
  for (const [key, value] of Object.entries(data)) {
    if (value !== undefined) syncEntry(map, key, value, [...path, key]);
  }
}

/**
 * Makes the document's configuration equal to `data`, in one transaction tagged `origin`.
 * Unchanged values are left alone, so the update is small and collaborators' concurrent edits
 * elsewhere survive. `data` is written as given: validate it first where that matters.
 */
export function writeConfig(doc: Y.Doc, data: BoardConfig | Record<string, unknown>, origin?: unknown): void {
  if (!isPlainObject(data)) throw new TypeError('writeConfig: the configuration must be a JSON object');
  doc.transact(() => syncMap(configMap(doc), data, []), origin);
}

/**
 * The configuration a new document starts from: every schema default, except properties that
 * only apply under a condition (`x-when`, e.g. the desktop tier) — those would otherwise show up
 * as settings without effect, or, for btrfs compression, as an error.
 *
 * Apply it once, server-side, when a configuration is created: the Y.Text and Y.Array values then
 * exist before anyone edits, and two people typing into a new script both keep their text
 * instead of racing to create it.
 */
export function defaultConfig(): BoardConfig {
  const config: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(configSchema.properties)) {
    if (property.default === undefined || property['x-when']) continue;
    config[name] = structuredClone(property.default);
  }
  return config as BoardConfig;
}
