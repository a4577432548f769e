/**
 * The Notes (the notes root of `doc-layout.ts`, written by Tiptap; docs/architecture.md, "Document
 * layout") as plain text, one line per paragraph, heading or list item: what versions, diffs and
 * restores compare and show. Formatting (bold, links) is left out: the diff says which paragraphs
 * changed, the notes panel shows how they look. Runs in the browser and on the server.
 */
import * as Y from 'yjs';
import type { DiffEntry } from './config-diff.ts';
import { NOTES_PATH, notesRoot } from './doc-layout.ts';

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

/** The notes of `doc` as lines of plain text (an empty document: no lines). */
export function notesLines(doc: Y.Doc): string[] {
  const lines: string[] = [];
  collect(notesRoot(doc), '', lines);
  // Tiptap keeps one empty paragraph in an empty editor: that is no notes at all.
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The notes of `doc` as one string, lines joined by newlines. */
export function notesText(doc: Y.Doc): string {
  return notesLines(doc).join('\n');
}

/** The notes held in a stored Yjs state (a version's). */
export function notesTextOfState(state: Uint8Array): string {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return notesText(doc);
  } finally {
    doc.destroy();
  }
}

/** Makes the notes of `doc` a copy of the notes in `source`: every block is cloned, so the copy
 * is new content (new Yjs items) made by whoever runs the transaction this is called in. */
export function replaceNotes(doc: Y.Doc, source: Y.Doc): void {
  const target = notesRoot(doc);
  const copies = (notesRoot(source).toArray() as Array<Y.XmlElement | Y.XmlText>).map((node) => node.clone());
  if (target.length > 0) target.delete(0, target.length);
  if (copies.length > 0) target.insert(0, copies);
}

/** The diff entry of the notes between two versions (null: unchanged), in the shape of the
 * configuration's entries (`shared/config-diff.ts`): before and after are the plain text. */
export function diffNotes(before: string, after: string): DiffEntry | null {
  if (before === after) return null;
  const op = before === '' ? 'add' : after === '' ? 'remove' : 'change';
  return { path: NOTES_PATH, op, before: before === '' ? null : before, after: after === '' ? null : after };
}
