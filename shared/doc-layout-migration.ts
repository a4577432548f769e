/**
 * Brings a configuration document stored in an older layout up to the current one
 * (docs/architecture.md, "Document layout"): free-text strings that earlier versions kept as plain
 * values in their map become Y.Text (`isFreeText`), in place, at any depth (lists included).
 *
 * The server runs this once when it loads a room, in one transaction, and waits until that
 * transaction is durable before the room serves anyone. Idempotent: a document in the current
 * layout yields no changes and no transaction. Old stored updates and version snapshots keep
 * reading as before: `configToJson` gives the same JSON for a plain string and a Y.Text.
 */
import * as Y from 'yjs';
import { configMap, toYValue, yKindFor } from './doc-binding.ts';
import { schemaAt } from './schema/schema-path.ts';
import { configSchema } from './validation/index.ts';

type Container = Y.Map<unknown> | Y.Array<unknown>;

/** Every plain string that belongs in a Y.Text: its container, key and path. */
function plainTexts(container: Container, path: string[], out: Array<{ container: Container; key: string; path: string[] }>): void {
  const entries: Array<[string, unknown]> =
    container instanceof Y.Map ? Array.from(container.entries()) : container.toArray().map((v, i) => [String(i), v]);
  for (const [key, value] of entries) {
    const at = [...path, key];
    if (value instanceof Y.Map || value instanceof Y.Array) plainTexts(value, at, out);
    else if (typeof value === 'string' && yKindFor(schemaAt(configSchema, at), value) === 'text') out.push({ container, key, path: at });
  }
}

/** True when the document holds free text as plain strings (an older layout). */
export function needsLayoutMigration(doc: Y.Doc): boolean {
  const found: Array<{ container: Container; key: string; path: string[] }> = [];
  plainTexts(configMap(doc), [], found);
  return found.length > 0;
}

/**
 * Converts every plain free-text string to a Y.Text with the same text, in one transaction tagged
 * `origin` (none when nothing needs converting). Returns how many values it converted.
 */
export function migrateLayout(doc: Y.Doc, origin?: unknown): number {
  const found: Array<{ container: Container; key: string; path: string[] }> = [];
  plainTexts(configMap(doc), [], found);
  if (found.length === 0) return 0;
  doc.transact(() => {
    // Later list items first, so indices of earlier ones stay valid.
    for (const { container, key, path } of found.reverse()) {
      const value = container instanceof Y.Map ? container.get(key) : container.get(Number(key));
      const text = toYValue(value, path);
      if (container instanceof Y.Map) {
        container.set(key, text);
      } else {
        container.delete(Number(key), 1);
        container.insert(Number(key), [text]);
      }
    }
  }, origin);
  return found.length;
}
