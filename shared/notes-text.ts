/**
 * The Notes (the notes root of `doc-layout.ts`, written by Tiptap; docs/architecture.md, "Document
 * layout") as plain text, one line per paragraph, heading or list item: what versions, diffs and
 * restores compare and show. Formatting (bold, links) is left out: the diff says which paragraphs
 * changed, the notes panel shows how they look. Runs in the browser and on the server.
 */
import * as Y from 'yjs';
import type { DiffEntry } from './config-diff.ts';
import { DOC_LAYOUT, NOTES_PATH, NOTES_ROOT, rootOf, type RootDeclaration } from './doc-layout.ts';

/** The path Notes have wherever fields are addressed by JSON Pointer (history, diff, restore). */
export { NOTES_PATH };

/** Blocks whose text is one line of the plain text, with the prefix it is shown with. */
const LINE_PREFIX: Record<string, string> = { listItem: '• ', heading: '', paragraph: '', codeBlock: '', blockquote: '' };

function inlineText(node: Y.XmlText | Y.XmlElement): string {
  if (node instanceof Y.XmlText) {
    let text = '';
    for (const op of node.toDelta() as Array<{ insert: unknown }>) if (typeof op.insert === 'string') text += op.insert;
    return text;
  }
  // An inline element (a hard break) inside a text block.
  return node.nodeName === 'hardBreak' ? '\n' : node.toArray().map((c) => inlineText(c as Y.XmlText | Y.XmlElement)).join('');
}

function collect(node: Y.XmlElement | Y.XmlFragment, prefix: string, lines: string[]): void {
  const children = node.toArray() as Array<Y.XmlText | Y.XmlElement>;
  const holdsText = children.some((c) => c instanceof Y.XmlText);
  if (holdsText || (node instanceof Y.XmlElement && children.length === 0 && node.nodeName in LINE_PREFIX && node.nodeName !== 'listItem')) {
    lines.push(prefix + children.map(inlineText).join(''));
    return;
  }
  for (const child of children) {
    if (child instanceof Y.XmlText) continue;
    // A list item's first paragraph carries the bullet; nested blocks keep the item's indent.
    const childPrefix = child.nodeName === 'listItem' ? prefix.replace(/• $/, '  ') + LINE_PREFIX.listItem : prefix;
    collect(child, childPrefix, lines);
  }
}

/** The roots versions, diffs and restores address by their own path (`#notes`): every root of
 * the layout besides the configuration, whose fields are JSON Pointers instead, and the
 * userpatches tree, which is diffed and restored per file (`shared/files/file-diff.ts`). Each is
 * read as plain text here: an XML fragment line by line, a map as its JSON. */
export function textRoots(layout: readonly RootDeclaration[] = DOC_LAYOUT): readonly RootDeclaration[] {
  return layout.filter((r) => r.path !== '' && r.checks !== 'filePaths' && r.checks !== 'fileModes');
}

/** A text root of `doc` as lines of plain text (an empty root: no lines). */
export function rootLines(doc: Y.Doc, root: RootDeclaration): string[] {
  const type = rootOf(doc, root);
  if (type instanceof Y.Map) {
    const json = type.toJSON() as Record<string, unknown>;
    const keys = Object.keys(json).sort();
    return keys.length === 0 ? [] : JSON.stringify(Object.fromEntries(keys.map((k) => [k, json[k]])), null, 2).split('\n');
  }
  const lines: string[] = [];
  collect(type, '', lines);
  // Tiptap keeps one empty paragraph in an empty editor: that is no text at all.
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A text root of `doc` as one string, lines joined by newlines. */
export function rootText(doc: Y.Doc, root: RootDeclaration): string {
  return rootLines(doc, root).join('\n');
}

/** Every text root of `doc` as plain text, by path (`{ "#notes": "…" }`). */
export function rootTexts(doc: Y.Doc, layout: readonly RootDeclaration[] = DOC_LAYOUT): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const root of textRoots(layout)) texts[root.path] = rootText(doc, root);
  return texts;
}

/** Every text root held in a stored Yjs state (a version's), by path. */
export function rootTextsOfState(state: Uint8Array, layout: readonly RootDeclaration[] = DOC_LAYOUT): Record<string, string> {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return rootTexts(doc, layout);
  } finally {
    doc.destroy();
  }
}

/** Makes `root` of `doc` a copy of the same root in `source`: every block is cloned, so the copy
 * is new content (new Yjs items) made by whoever runs the transaction this is called in. */
export function replaceRoot(doc: Y.Doc, source: Y.Doc, root: RootDeclaration): void {
  const from = rootOf(source, root);
  const to = rootOf(doc, root);
  if (to instanceof Y.Map && from instanceof Y.Map) {
    for (const key of [...to.keys()]) if (!from.has(key)) to.delete(key);
    from.forEach((value, key) => to.set(key, value instanceof Y.AbstractType ? value.clone() : value));
    return;
  }
  const target = to as Y.XmlFragment;
  const copies = ((from as Y.XmlFragment).toArray() as Array<Y.XmlElement | Y.XmlText>).map((node) => node.clone());
  if (target.length > 0) target.delete(0, target.length);
  if (copies.length > 0) target.insert(0, copies);
}

/** The diff entry of one text root between two states (null: unchanged), in the shape of the
 * configuration's entries (`shared/config-diff.ts`): before and after are the plain text. */
export function diffRootText(path: string, before: string, after: string): DiffEntry | null {
  if (before === after) return null;
  const op = before === '' ? 'add' : after === '' ? 'remove' : 'change';
  return { path, op, before: before === '' ? null : before, after: after === '' ? null : after };
}

/** The diff entries of every text root, in layout order (after the configuration's entries). */
export function diffRootTexts(before: Record<string, string>, after: Record<string, string>, layout: readonly RootDeclaration[] = DOC_LAYOUT): DiffEntry[] {
  const entries: DiffEntry[] = [];
  for (const root of textRoots(layout)) {
    const entry = diffRootText(root.path, before[root.path] ?? '', after[root.path] ?? '');
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The notes of `doc` as lines of plain text (the notes editor's and tests' view). */
export function notesLines(doc: Y.Doc): string[] {
  return rootLines(doc, NOTES_ROOT);
}

/** The notes of `doc` as one string, lines joined by newlines. */
export function notesText(doc: Y.Doc): string {
  return rootText(doc, NOTES_ROOT);
}

/** The diff entry of the notes (`diffRootText` at `#notes`). */
export function diffNotes(before: string, after: string): DiffEntry | null {
  return diffRootText(NOTES_PATH, before, after);
}
