/**
 * Turns Yjs transactions into field-level changes, per root as the document layout declares
 * (`shared/doc-layout.ts`, `capture`): which top-level fields of the configuration a
 * transaction touched (found by walking each changed type up to the configuration map, so a keystroke
 * in a Y.Text or an item added to a Y.Array counts for its field), and what it did to them.
 *
 * Text (every free-text field, and the notes read as plain text) is recorded as what was inserted
 * and deleted where: the transaction's operations, found by one walk over the text's items (Yjs
 * keeps the content of what the transaction deleted until it ends). The text itself is never read
 * per keystroke, and two people typing at once each get exactly their own operations.
 *
 * Other values have no operations: Yjs keeps no old values, so the tracker remembers each such
 * field's JSON as last seen (small: choices, numbers, lists) and reports before and after.
 */
import * as Y from 'yjs';
import { DOC_LAYOUT, isRootPath, NOTES_PATH, rootOf, type RootDeclaration } from '../../shared/doc-layout.ts';
import { jsonEqual } from '../../shared/doc-diff.ts';
import { toPointer } from '../../shared/json-pointer.ts';
import { isFreeText, schemaAt } from '../../shared/schema/schema-path.ts';
import { configSchema } from '../../shared/validation/index.ts';
import type { FieldChange } from './burst-coalescer.ts';
import { replacementOps, type TextOp } from './text-edits.ts';

/** Change-log path of the rich-text notes (not a JSON Pointer: the notes are not configuration). */
export { NOTES_PATH };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = Y.AbstractType<any>;

const toJson = (value: unknown): unknown => (value instanceof Y.AbstractType ? value.toJSON() : value);

/** Whether `item` existed before `transaction` and was not deleted before it. */
function existedBefore(item: Y.Item, transaction: Y.Transaction): boolean {
  if (item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)) return false;
  return !item.deleted || Y.isDeleted(transaction.deleteSet, item.id);
}

/** An element's line break in the plain text: after every element without elements inside (a
 * paragraph, a heading, an empty paragraph, a hard break); containers (lists) add none. */
function hasBreak(element: Y.XmlElement, present: (item: Y.Item) => boolean): boolean {
  for (let item = element._start; item !== null; item = item.right) {
    if (present(item) && item.content instanceof Y.ContentType && item.content.type instanceof Y.XmlElement) return false;
  }
  return true;
}

/** Plain text of a type's items that pass `present`: strings as they are, elements as their text
 * and a line break (see `hasBreak`). Notes are read this way, as plain text. */
function plainText(type: AnyType, present: (item: Y.Item) => boolean): string {
  let out = '';
  for (let item = type._start; item !== null; item = item.right) {
    if (!present(item)) continue;
    if (item.content instanceof Y.ContentString) out += item.content.str;
    else if (item.content instanceof Y.ContentType) out += plainOf(item.content.type, present);
  }
  return out;
}

function plainOf(type: AnyType, present: (item: Y.Item) => boolean): string {
  const text = plainText(type, present);
  return type instanceof Y.XmlElement && hasBreak(type, present) ? `${text}\n` : text;
}

/** The text `text` held before `transaction`: its items that existed before it and were not
 * deleted before it. Valid only inside the transaction's `afterTransaction` (before Yjs
 * garbage-collects what the transaction deleted). */
export function textBefore(text: Y.Text | Y.XmlFragment, transaction: Y.Transaction): string {
  return plainText(text, (item) => existedBefore(item, transaction));
}

/** The plain text of a Y.Text or of the notes now. */
export function textNow(text: Y.Text | Y.XmlFragment): string {
  return plainText(text, (item) => !item.deleted);
}

/**
 * What `transaction` did to a text (a Y.Text, or the notes' fragment read as plain text), as
 * operations in sequence: one walk over the text's items, which Yjs keeps (with the content of
 * deleted ones) until the transaction ends. Valid only inside its `afterTransaction`.
 */
export function textOps(text: Y.Text | Y.XmlFragment, transaction: Y.Transaction): TextOp[] {
  const ops: TextOp[] = [];
  const now = (item: Y.Item) => !item.deleted;
  const before = (item: Y.Item) => existedBefore(item, transaction);
  const push = (op: TextOp) => {
    const last = ops[ops.length - 1];
    // Neighbouring pieces of one insertion or deletion are one operation.
    if (last && op.insert !== undefined && last.insert !== undefined && last.at + last.insert.length === op.at) last.insert += op.insert;
    else if (last && op.delete !== undefined && last.delete !== undefined && last.at === op.at) last.delete += op.delete;
    else ops.push(op);
  };
  let index = 0;
  const beforeState = transaction.beforeState;
  // Neighbouring items mostly come from one client: look its clock up once per run.
  let client = -1;
  let clientBefore = 0;
  const walk = (type: AnyType): void => {
    for (let item = type._start; item !== null; item = item.right) {
      const content = item.content;
      const isThere = !item.deleted;
      if (item.id.client !== client) {
        client = item.id.client;
        clientBefore = beforeState.get(client) ?? 0;
      }
      const old = item.id.clock < clientBefore;
      // The common case first, kept cheap: a piece of text this transaction did not touch.
      if (isThere && old && content instanceof Y.ContentString) {
        index += content.str.length;
        continue;
      }
      if (!(content instanceof Y.ContentString) && !(content instanceof Y.ContentType)) continue;
      const wasThere = old && (isThere || Y.isDeleted(transaction.deleteSet, item.id));
      if (!wasThere && !isThere) continue;
      if (wasThere && isThere) {
        // An element (notes) that stays: what changed inside it, then its line break.
        const element = (content as Y.ContentType).type;
        walk(element);
        if (element instanceof Y.XmlElement) {
          const had = hasBreak(element, before);
          const has = hasBreak(element, now);
          if (had && !has) push({ at: index, delete: '\n' });
          if (!had && has) push({ at: index, insert: '\n' });
          if (has) index += 1;
        }
      } else if (isThere) {
        const inserted = content instanceof Y.ContentString ? content.str : plainOf(content.type, now);
        if (inserted !== '') push({ at: index, insert: inserted });
        index += inserted.length;
      } else {
        const deleted = content instanceof Y.ContentString ? content.str : plainOf(content.type, before);
        if (deleted !== '') push({ at: index, delete: deleted });
      }
    }
  };
  walk(text);
  return ops;
}

/** The field a changed type lives under, the path of a text-captured root it is in (NOTES_PATH),
 * or null (nothing we track). */
function fieldOf(type: AnyType, config: AnyType, texts: ReadonlyMap<AnyType, string>): string | null {
  let current: AnyType = type;
  for (;;) {
    const textRoot = texts.get(current);
    if (textRoot !== undefined) return textRoot;
    const item = current._item;
    if (!item) return null;
    const parent = item.parent;
    if (parent === config) return item.parentSub;
    if (!(parent instanceof Y.AbstractType)) return null;
    current = parent;
  }
}

/** The root whose top-level keys are the configuration's fields (`capture: 'fields'`). */
function fieldsRoot(layout: readonly RootDeclaration[]): RootDeclaration {
  const root = layout.find((r) => r.capture === 'fields');
  if (!root) throw new Error('the document layout has no root captured by fields');
  return root;
}

/** The plain text of a text field (or of the notes) now; undefined if it holds no text. */
export function textAt(doc: Y.Doc, path: string, layout: readonly RootDeclaration[] = DOC_LAYOUT): string | undefined {
  if (isRootPath(path, layout)) {
    const root = layout.find((r) => r.path === path && r.capture === 'text');
    return root ? textNow(rootOf(doc, root) as Y.XmlFragment) : undefined;
  }
  const value = (rootOf(doc, fieldsRoot(layout)) as Y.Map<unknown>).get(path.slice(1).replace(/~1/g, '/').replace(/~0/g, '~'));
  return value instanceof Y.Text ? value.toString() : undefined;
}

/** The last seen value of every field of one document. */
export class FieldTracker {
  /** JSON of the fields that do not hold text (small, kept current at every change). */
  private readonly values = new Map<string, unknown>();
  /** The Y.Text each text field held when last seen: read only to rebuild it once replaced. */
  private readonly texts = new Map<string, Y.Text>();
  private readonly config: Y.Map<unknown>;
  /** The roots captured as one text each (the notes), with their paths. */
  private readonly textRoots: ReadonlyMap<AnyType, string>;
  private readonly textPaths: ReadonlySet<string>;

  constructor(
    private readonly doc: Y.Doc,
    layout: readonly RootDeclaration[] = DOC_LAYOUT,
  ) {
    this.config = rootOf(doc, fieldsRoot(layout)) as Y.Map<unknown>;
    this.textRoots = new Map(layout.filter((r) => r.capture === 'text').map((r) => [rootOf(doc, r) as AnyType, r.path]));
    this.textPaths = new Set(this.textRoots.values());
    for (const [key, value] of this.config.entries()) this.remember(key, value);
  }

  private remember(key: string, value: unknown): void {
    if (value instanceof Y.Text) {
      this.texts.set(key, value);
      this.values.delete(key);
      return;
    }
    this.texts.delete(key);
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, toJson(value));
  }

  /** The fields `transaction` touched, and the paths of the text-captured roots it touched
   * (`#notes`). Cheap. */
  touched(transaction: Y.Transaction): { fields: string[]; texts: string[] } {
    const fields = new Set<string>();
    const texts = new Set<string>();
    for (const [type, keys] of transaction.changed) {
      if (type === (this.config as AnyType)) {
        for (const key of keys) if (key !== null) fields.add(key);
        continue;
      }
      const field = fieldOf(type, this.config as AnyType, this.textRoots);
      if (field !== null && this.textPaths.has(field)) texts.add(field);
      else if (field !== null) fields.add(field);
    }
    return { fields: [...fields], texts: [...texts] };
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

  /** Moves past a transaction that touched `key`. */
  advance(key: string): void {
    this.remember(key, this.config.get(key));
  }

  /**
   * What `transaction` changed, field by field (call only from its afterTransaction; moves the
   * tracker past it). Typing into a text is its operations, found by one walk over the text; a
   * text set anew (a first keystroke creating it, a whole-value write) is the replaced part; any
   * other value is its JSON before and after. Changes that change nothing are left out.
   */
  changes(transaction: Y.Transaction): FieldChange[] {
    const { fields, texts } = this.touched(transaction);
    const setKeys = transaction.changed.get(this.config as AnyType);
    const out: FieldChange[] = [];
    for (const key of fields) {
      const path = toPointer([key]);
      const value = this.config.get(key);
      const known = this.texts.get(key);
      if (value instanceof Y.Text && known === value && !setKeys?.has(key)) {
        const ops = textOps(value, transaction);
        if (ops.length > 0) out.push({ path, kind: 'text', ops });
      } else {
        const before = this.before(key, transaction);
        const after = this.current(key);
        const textual = (v: unknown) => v === undefined || typeof v === 'string';
        const wasText = known !== undefined || value instanceof Y.Text || isFreeText(schemaAt(configSchema, [key]));
        if (wasText && textual(before) && textual(after)) {
          const ops = replacementOps((before as string | undefined) ?? '', (after as string | undefined) ?? '');
          if (ops.length > 0) out.push({ path, kind: 'text', ops });
        } else if (!(before === undefined ? after === undefined : after !== undefined && jsonEqual(before, after))) {
          out.push({ path, kind: 'value', before, after });
        }
      }
      this.advance(key);
    }
    for (const [root, path] of this.textRoots) {
      if (!texts.includes(path)) continue;
      const ops = textOps(root as Y.XmlFragment, transaction);
      if (ops.length > 0) out.push({ path, kind: 'text', ops });
    }
    return out;
  }
}
