/**
 * A field-level diff (versions compared, a review's changes): what was added, removed or changed,
 * and what now applies or no longer applies because a condition changed (with the fields that
 * made it so). Optionally a "Restore this field" button per entry. A change of the notes (the
 * entry with path `#notes`) is shown after the fields as a section of its own, line by line.
 */
import { For, Show, type JSX } from 'solid-js';
import type { DiffEntry } from '../../shared/config-diff.ts';
import type { ConfigSchema } from '../../shared/schema/types.ts';
import { NotesDiff } from './notes-diff.tsx';
import { ValueChange } from './value-change.tsx';
import { becauseWords, DIFF_OP_WORDS, fieldTitle, NOTES_PATH } from './value-format.ts';

export function DiffView(props: {
  entries: readonly DiffEntry[];
  schema: ConfigSchema;
  /** Shown when there is no difference. */
  empty: string;
  /** Offer "Restore this field" on entries whose value differs. */
  onRestoreField?: (entry: DiffEntry) => void;
  restoring?: string | null;
  testId?: string;
}): JSX.Element {
  const fields = () => props.entries.filter((e) => e.path !== NOTES_PATH);
  const notes = () => props.entries.find((e) => e.path === NOTES_PATH);
  return (
    <Show when={props.entries.length > 0} fallback={<p class="diff-empty muted">{props.empty}</p>}>
      <ul class="diff" data-testid={props.testId}>
        <For each={fields()}>
          {(entry) => (
            <li class={`diff-entry diff-entry--${entry.op}`} data-path={entry.path} data-op={entry.op}>
              <span class={`diff-op diff-op--${entry.op}`}>{DIFF_OP_WORDS[entry.op]}</span>
              <span class="diff-main">
                <span class="diff-field" title={entry.path}>
                  {fieldTitle(props.schema, entry.path)}
                </span>
                <ValueChange before={entry.before} after={entry.after} />
                <Show when={entry.because && entry.because.length > 0}>
                  <span class="diff-because">{becauseWords(props.schema, entry.because)}</span>
                </Show>
              </span>
              <Show when={props.onRestoreField && (entry.op === 'add' || entry.op === 'remove' || entry.op === 'change')}>
                <button
                  type="button"
                  class="button button--small diff-restore"
                  disabled={!!props.restoring}
                  aria-label={`Restore ${fieldTitle(props.schema, entry.path)} to the version's value`}
                  onClick={() => props.onRestoreField!(entry)}
                >
                  {props.restoring === entry.path ? 'Restoring…' : 'Restore this field'}
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={notes()}>
        {(entry) => (
          <NotesDiff
            entry={entry()}
            onRestore={props.onRestoreField ? () => props.onRestoreField!(entry()) : undefined}
            restoring={props.restoring === NOTES_PATH}
            disabled={!!props.restoring}
          />
        )}
      </Show>
    </Show>
  );
}
