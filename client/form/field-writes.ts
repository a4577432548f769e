/**
 * Writes from the form into the configuration document, one field at a time, each in its own
 * transaction tagged with the writer's origin. Scalars are set or deleted in the config map;
 * lists are edited in place on their Y.Array (add, remove, move) so two people adding packages at
 * once both keep theirs; free-text strings (single- and multi-line) live in Y.Text and are edited
 * by `text-binding.ts` through `client/fields/field-text.ts`, never replaced from here.
 */
import * as Y from 'yjs';
import { configMap, toYValue } from '../../shared/doc-binding.ts';

/** Sets a top-level property, or removes it when `value` is undefined (the field is "not set"). */
export function setField(doc: Y.Doc, property: string, value: unknown, origin?: unknown): void {
  const map = configMap(doc);
  doc.transact(() => {
    if (value === undefined) {
      if (map.has(property)) map.delete(property);
      return;
    }
    const current = map.get(property);
    if (!(current instanceof Y.AbstractType) && current === value) return;
    map.set(property, toYValue(value, [property]));
  }, origin);
}

/**
 * The Y.Array of a list property, created (empty) when the property is unset or holds something
 * else. New configurations get their lists from the server's defaults, so creating one here is
 * rare and a concurrent creation (last writer wins on the map key) rarer still.
 */
export function listOf(doc: Y.Doc, property: string): Y.Array<unknown> {
  const map = configMap(doc);
  const current = map.get(property);
  if (current instanceof Y.Array) return current;
  const created = new Y.Array<unknown>();
  if (Array.isArray(current)) created.insert(0, current);
  map.set(property, created);
  return created;
}

/** Inserts `items` at `index` (default: the end). */
export function addItems(doc: Y.Doc, property: string, items: readonly unknown[], index?: number, origin?: unknown): void {
  if (items.length === 0) return;
  doc.transact(() => {
    const list = listOf(doc, property);
    const at = index === undefined ? list.length : Math.max(0, Math.min(index, list.length));
    list.insert(at, items.map((item, i) => toYValue(item, [property, String(at + i)])));
  }, origin);
}

export function removeItem(doc: Y.Doc, property: string, index: number, origin?: unknown): void {
  doc.transact(() => {
    const list = listOf(doc, property);
    if (index >= 0 && index < list.length) list.delete(index, 1);
  }, origin);
}

/**
 * Moves the item at `from` so it ends up at index `to`. Yjs has no move, so this is a delete and
 * an insert in one transaction; two people moving the same item at once may both succeed (the
 * item then appears twice, which validation reports as a duplicate).
 */
export function moveItem(doc: Y.Doc, property: string, from: number, to: number, origin?: unknown): void {
  doc.transact(() => {
    const list = listOf(doc, property);
    if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return;
    const item = list.get(from);
    const json = item instanceof Y.AbstractType ? item.toJSON() : item;
    list.delete(from, 1);
    list.insert(to, [toYValue(json, [property, String(to)])]);
  }, origin);
}

/**
 * Multi-select lists (e.g. image output steps): turns `value` on or off. A new value goes where
 * the schema's enum order puts it among the values already chosen, so the list reads the same
 * whoever ticked the boxes.
 */
export function toggleItem(
  doc: Y.Doc,
  property: string,
  value: string,
  on: boolean,
  order: readonly string[],
  origin?: unknown,
): void {
  doc.transact(() => {
    const list = listOf(doc, property);
    const items = list.toArray();
    if (!on) {
      for (let i = items.length - 1; i >= 0; i--) if (items[i] === value) list.delete(i, 1);
      return;
    }
    if (items.includes(value)) return;
    const rank = order.indexOf(value);
    let at = items.length;
    for (let i = 0; i < items.length; i++) {
      const other = order.indexOf(String(items[i]));
      if (rank >= 0 && other > rank) {
        at = i;
        break;
      }
    }
    list.insert(at, [value]);
  }, origin);
}

/** Splits what someone typed or pasted into a tag field ("a b, c") into items. */
export function splitTags(input: string): string[] {
  return input
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
