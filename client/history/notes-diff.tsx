/**
 * The Notes part of a diff: the notes are compared as plain text, one line per paragraph
 * (shared/notes-text.ts), and shown line by line — removed lines struck through in red, added
 * lines in green, unchanged lines around them kept for context and long unchanged runs folded.
 */
import { For, Show, type JSX } from 'solid-js';
import type { DiffEntry } from '../../shared/config-diff.ts';
import { diffSequences } from '../../shared/sequence-diff.ts';

/** Unchanged lines shown before and after each change; a longer run between changes is folded. */
const CONTEXT_LINES = 2;

type NotesLine = { kind: 'same' | 'removed' | 'added'; text: string } | { kind: 'folded'; count: number };

const linesOf = (value: unknown): string[] => (typeof value === 'string' && value !== '' ? value.split('\n') : []);

/** The line-by-line view of `before` → `after`, with unchanged runs folded down to their context. */
export function notesDiffLines(before: unknown, after: unknown): NotesLine[] {
  const a = linesOf(before);
  const b = linesOf(after);
  const all: Array<{ kind: 'same' | 'removed' | 'added'; text: string }> = [];
  let ai = 0;
  for (const hunk of diffSequences(a, b)) {
    for (; ai < hunk.aStart; ai++) all.push({ kind: 'same', text: a[ai] });
    for (let i = hunk.aStart; i < hunk.aEnd; i++) all.push({ kind: 'removed', text: a[i] });
    for (let i = hunk.bStart; i < hunk.bEnd; i++) all.push({ kind: 'added', text: b[i] });
    ai = hunk.aEnd;
  }
  for (; ai < a.length; ai++) all.push({ kind: 'same', text: a[ai] });
  const near = all.map((_, i) => all.slice(Math.max(0, i - CONTEXT_LINES), i + CONTEXT_LINES + 1).some((l) => l.kind !== 'same'));
  const shown: NotesLine[] = [];
  all.forEach((line, i) => {
    if (line.kind !== 'same' || near[i]) shown.push(line);
    else {
      const last = shown[shown.length - 1];
      if (last?.kind === 'folded') last.count += 1;
      else shown.push({ kind: 'folded', count: 1 });
    }
  });
  return shown;
}

export function NotesDiff(props: {
  entry: DiffEntry;
  onRestore?: () => void;
  restoring?: boolean;
  disabled?: boolean;
}): JSX.Element {
  return (
    <section class="notes-diff" aria-label="Notes" data-testid="notes-diff" data-op={props.entry.op}>
      <div class="notes-diff-head">
        <h3 class="notes-diff-title">Notes</h3>
        <span class="muted">{props.entry.op === 'add' ? 'written since' : props.entry.op === 'remove' ? 'emptied since' : 'changed'}</span>
        <Show when={props.onRestore}>
          <button type="button" class="button button--small diff-restore" disabled={props.disabled} aria-label="Restore the notes to the version's notes" onClick={() => props.onRestore!()}>
            {props.restoring ? 'Restoring…' : 'Restore the notes'}
          </button>
        </Show>
      </div>
      <ol class="notes-diff-lines">
        <For each={notesDiffLines(props.entry.before, props.entry.after)}>
          {(line) =>
            line.kind === 'folded' ? (
              <li class="notes-line notes-line--folded muted">
                {line.count} unchanged line{line.count === 1 ? '' : 's'}
              </li>
            ) : line.kind === 'removed' ? (
              <li class="notes-line notes-line--removed">
                <span class="notes-line-mark" aria-hidden="true">−</span>
                <span class="visually-hidden">Removed: </span>
                <del>{line.text || ' '}</del>
              </li>
            ) : line.kind === 'added' ? (
              <li class="notes-line notes-line--added">
                <span class="notes-line-mark" aria-hidden="true">+</span>
                <span class="visually-hidden">Added: </span>
                <ins>{line.text || ' '}</ins>
              </li>
            ) : (
              <li class="notes-line">
                <span class="notes-line-mark" aria-hidden="true" />
                <span>{line.text || ' '}</span>
              </li>
            )
          }
        </For>
      </ol>
    </section>
  );
}
