/**
 * Finds the sub-schema that governs a place in a configuration, for messages, defaults and the
 * Yjs binding. Only the constructs the configuration schema uses are followed: `properties` of
 * objects and `items` of arrays.
 */
import type { ConfigSchema, ItemSchema, PropertySchema } from './types.ts';
import { asIndex } from '../json-pointer.ts';

export type AnySchema = ConfigSchema | PropertySchema | ItemSchema;

/** The schema at `segments` below the root, or undefined where the schema allows nothing. */
export function schemaAt(root: ConfigSchema, segments: readonly string[]): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (const segment of segments) {
    if (!current) return undefined;
    if (current.type === 'object' && 'properties' in current) {
      current = Object.prototype.hasOwnProperty.call(current.properties, segment)
        ? current.properties[segment]
        : undefined;
    } else if (current.type === 'array' && 'items' in current && asIndex(segment) !== undefined) {
      current = current.items;
    } else {
      return undefined;
    }
  }
  return current;
}

/** True for strings the schema marks as long multi-line text (edited in a text area). */
export function isMultiline(schema: AnySchema | undefined): boolean {
  return schema?.type === 'string' && 'format' in schema && schema.format === 'multiline';
}

/**
 * True for free text: a string that is not a choice from a list (no `enum`, `const`, `oneOf` or
 * `anyOf`). The document keeps every free-text value as a Y.Text, single-line or multi-line, so
 * concurrent typing at any position merges (docs/architecture.md, "Document layout"). This is the
 * one place the rule lives: the binding, the repair, the load migration and the form follow it.
 */
export function isFreeText(schema: AnySchema | undefined): boolean {
  if (schema?.type !== 'string') return false;
  const s = schema as unknown as Record<string, unknown>;
  return s.enum === undefined && s.const === undefined && s.oneOf === undefined && s.anyOf === undefined;
}

/** The human title of a place: the property title, or "Entry <n> of <list title>" in a list. */
export function titleAt(root: ConfigSchema, segments: readonly string[]): string {
  if (segments.length === 0) return 'The configuration';
  const last = segments[segments.length - 1];
  const index = asIndex(last);
  const parent = schemaAt(root, segments.slice(0, -1));
  if (index !== undefined && parent?.type === 'array') {
    return `Entry ${index + 1} of ${titleAt(root, segments.slice(0, -1))}`;
  }
  return schemaAt(root, segments)?.title ?? `'${last}'`;
}
