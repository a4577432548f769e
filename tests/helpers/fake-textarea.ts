/**
 * A textarea or input as the text binding sees it (`TextAreaLike`, client/form/text-binding.ts),
 * for Node tests: typing replaces the selection, moves the caret after it and fires `input`.
 */
import type { TextAreaLike } from '../../client/form/text-binding.ts';

export class FakeTextArea implements TextAreaLike {
  value = '';
  selectionStart: number | null = 0;
  selectionEnd: number | null = 0;
  selectionDirection: 'forward' | 'backward' | 'none' | null = 'none';
  private listeners = new Set<() => void>();
  setSelectionRange(start: number, end: number): void {
    this.selectionStart = start;
    this.selectionEnd = end;
  }
  addEventListener(_type: 'input', listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'input', listener: () => void): void {
    this.listeners.delete(listener);
  }
  /** What a keystroke does: replace the selection with `text`, caret after it, fire input. */
  type(text: string): void {
    const start = this.selectionStart ?? 0;
    const end = this.selectionEnd ?? start;
    this.value = this.value.slice(0, start) + text + this.value.slice(end);
    this.selectionStart = this.selectionEnd = start + text.length;
    for (const l of this.listeners) l();
  }
  backspace(): void {
    const at = this.selectionStart ?? 0;
    this.value = this.value.slice(0, at - 1) + this.value.slice(at);
    this.selectionStart = this.selectionEnd = at - 1;
    for (const l of this.listeners) l();
  }
  caret(at: number): this {
    this.selectionStart = this.selectionEnd = at;
    return this;
  }
}
