/**
 * Turns Yjs transactions into field-level changes: which top-level fields of the configuration a
 * transaction touched (found by walking each changed type up to the `config` map, so a keystroke
 * in a Y.Text or an item added to a Y.Array counts for its field), and their values before and
 * after.
 *
 * Yjs keeps no old values, so the tracker remembers each field's JSON as last seen. Plain values
 * and lists are small and kept current at every change. Multi-line text can be 64 KiB and change
 * on every keystroke, so it is read only when the change log needs it (when a burst of typing
 * starts or ends); its value before a transaction is rebuilt from the transaction itself (the
 * items that existed before it, including those it deleted, which Yjs keeps until the end of the
 * transaction), so a keystroke costs O(1) here and a burst costs two reads of the field.
 */
import * as Y from 'yjs';
import { configMap } from '../../shared/doc-binding.ts';

/** Change-log path of the rich-text notes (not a JSON Pointer: the notes are not configuration). */
export const NOTES_PATH = '#notes';
const NOTES_FRAGMENT = 'notes';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = Y.AbstractType<any>;

const toJson = (value: unknown): unknown => (value instanceof Y.AbstractType ? value.toJSON() : value);

/** The text `text` held before `transaction`: its items that existed before it and were not
 * deleted before it. Valid only inside the transaction's `afterTransaction` (before Yjs
 * garbage-collects what the transaction deleted). */
export function textBefore(text: Y.Text, transaction: Y.Transaction): string {
  let out = '';
  for (let item = text._start; item !== null; item = item.right) {
    if (!(item.content instanceof Y.ContentString)) continue;
    const insertedNow = item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
    if (insertedNow) continue;
    if (item.deleted && !Y.isDeleted(transaction.deleteSet, item.id)) continue;
    out += item.content.str;
  }
  return out;
}

/** The field a changed type lives under, NOTES_PATH, or null (nothing we track). */
function fieldOf(type: AnyType, config: AnyType, notes: AnyType): string | null {
  let current: AnyType = type;
  for (;;) {
    if (current === notes) return NOTES_PATH;
    const item = current._item;
    if (!item) return null;
    const parent = item.parent;
    if (parent === config) return item.parentSub;
    if (!(parent instanceof Y.AbstractType)) return null;
    current = parent;
  }
}

/** The last seen value of every field of one document. */
export class FieldTracker {
  /** JSON of fields whose value is known to be current. Text fields drop out while typed into. */
  private readonly values = new Map<string, unknown>();
  /** The Y.Text object each text field held when last seen (to rebuild it once replaced). */
  private readonly texts = new Map<string, Y.Text>();
  private readonly config: Y.Map<unknown>;
  private readonly notes: AnyType;

  constructor(private readonly doc: Y.Doc) {
    this.config = configMap(doc);
    this.notes = doc.getXmlFragment(NOTES_FRAGMENT);
    for (const [key, value] of this.config.entries()) this.remember(key, value);
  }

  private remember(key: string, value: unknown): void {
    if (value instanceof Y.Text) this.texts.set(key, value);
    else this.texts.delete(key);
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, toJson(value));
  }

  /** The fields `transaction` touched, and whether it touched the notes. Cheap. */
  touched(transaction: Y.Transaction): { fields: string[]; notes: boolean } {
    const fields = new Set<string>();
    let notes = false;
    for (const [type, keys] of transaction.changed) {
      if (type === (this.config as AnyType)) {
        for (const key of keys) if (key !== null) fields.add(key);
        continue;
      }
      const field = fieldOf(type, this.config as AnyType, this.notes);
      if (field === NOTES_PATH) notes = true;
      else if (field !== null) fields.add(field);
    }
    return { fields: [...fields], notes };
  }

  /** Whether the field holds multi-line text now (after `advance`): such a field is read lazily. */
  isText(key: string): boolean {
    const value = this.config.get(key);
    return value instanceof Y.Text && this.texts.get(key) === value;
  }

  /** The field's value before `transaction` (call only from its afterTransaction). */
  before(key: string, transaction: Y.Transaction): unknown {
    if (this.values.has(key)) return this.values.get(key);
    const text = this.texts.get(key);
    return text ? textBefore(text, transaction) : undefined;
  }

  /** The field's value now (reads the whole field: O(size) for text). */
  current(key: string): unknown {
    return this.config.has(key) ? toJson(this.config.get(key)) : undefined;
  }

  /** Moves past a transaction that touched `key`: plain values are refreshed at once, text is
   * marked unknown until it is read again. */
  advance(key: string): void {
    const value = this.config.get(key);
    if (value instanceof Y.Text) {
      this.texts.set(key, value);
      this.values.delete(key);
    } else {
      this.remember(key, value);
    }
  }

  /** Records a value read now (after a burst, when nothing is mid-transaction). */
  settle(key: string, value: unknown): void {
    if (this.config.get(key) instanceof Y.Text && value !== undefined) this.values.set(key, value);
  }
}
