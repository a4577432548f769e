/**
 * A `<textarea>` bound to a Y.Text, so several people can type in the customize script at once.
 *
 * - Local input becomes the minimal edit: the changed range between the text before and after the
 *   keystroke (`shared/text-diff.ts`, using the caret to place the edit when the text repeats).
 *   The whole text is never rebuilt, so a concurrent edit elsewhere survives.
 * - A remote change updates the textarea's value and moves the local selection through the change
 *   (Y.Text delta), so the caret stays on the character it was on.
 *
 * The element is described by the few members used, so Node tests can bind a plain object.
 */
import * as Y from 'yjs';
import { diffText } from '../../shared/text-diff.ts';


export type TextDelta = { insert?: string | object; delete?: number; retain?: number }[];

/**
 * Where position `pos` ends up after `delta`. For text inserted exactly at `pos`, `assoc` -1 keeps
 * the position before the new text, +1 moves it after.
 */
export function mapPosition(pos: number, delta: TextDelta, assoc: -1 | 1 = 1): number {
  let oldIndex = 0;
  let result = pos;
  for (const op of delta) {
    if (op.retain !== undefined) {
      oldIndex += op.retain;
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1;
      if (oldIndex < pos || (oldIndex === pos && assoc === 1)) result += length;
    } else if (op.delete !== undefined) {
      const start = oldIndex;
      const end = oldIndex + op.delete;
      if (end <= pos) result -= op.delete;
      else if (start < pos) result -= pos - start;
      oldIndex = end;
    }
    if (oldIndex > pos) break;
  }
  return Math.max(0, result);
}

/** The members of an HTMLTextAreaElement the binding uses. */
export interface TextAreaLike {
  value: string;
  selectionStart: number | null;
  selectionEnd: number | null;
  selectionDirection?: 'forward' | 'backward' | 'none' | null;
  setSelectionRange(start: number, end: number, direction?: 'forward' | 'backward' | 'none'): void;
  addEventListener(type: 'input', listener: () => void): void;
  removeEventListener(type: 'input', listener: () => void): void;
}

export interface TextBinding {
  /** Applies the element's current value to the Y.Text (what an `input` event does). */
  sync(): void;
  destroy(): void;
}

export function bindTextArea(text: Y.Text, element: TextAreaLike, origin: unknown): TextBinding {
  const doc = text.doc;
  if (!doc) throw new Error('bindTextArea: the Y.Text must belong to a document');
  /** What the element showed after our last write or remote update: the base of the next diff. */
  let shown = text.toString();
  element.value = shown;

  const onInput = (): void => {
    const next = element.value;
    const edit = diffText(shown, next, element.selectionEnd ?? undefined);
    shown = next;
    if (!edit) return;
    doc.transact(() => {
      if (edit.deleteCount > 0) text.delete(edit.index, edit.deleteCount);
      if (edit.insert.length > 0) text.insert(edit.index, edit.insert);
    }, origin);
  };

  const observer = (event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (transaction.origin === origin) return;
    const start = element.selectionStart ?? 0;
    const end = element.selectionEnd ?? start;
    const direction = element.selectionDirection ?? undefined;
    const delta = event.delta as TextDelta;
    // Local typing not yet diffed (no input event in between) would be lost: diff it first.
    if (element.value !== shown) onInput();
    shown = text.toString();
    element.value = shown;
    const collapsed = start === end;
    // A caret stays before text someone else inserts right at it; a selection does not grow
    // to include text inserted at either of its ends.
    const newStart = mapPosition(start, delta, collapsed ? -1 : 1);
    const newEnd = collapsed ? newStart : mapPosition(end, delta, -1);
    element.setSelectionRange(newStart, newEnd, direction === null ? undefined : direction);
  };

  element.addEventListener('input', onInput);
  text.observe(observer);
  return {
    sync: onInput,
    destroy() {
      element.removeEventListener('input', onInput);
      text.unobserve(observer);
    },
  };
}
