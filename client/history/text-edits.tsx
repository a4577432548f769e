/** What a burst did to a text, in one compact line: `+"abc" at 12`, `−"xy" at 3`, both for a
 * replacement; deleted text in red, inserted in green, the full text in the tooltip. */
import { For, Show, type JSX } from 'solid-js';
import type { TextEdit } from '../../shared/history-types.ts';
import { editText, editWords, MAX_SHOWN_EDITS } from './value-format.ts';

function Edit(props: { edit: TextEdit }): JSX.Element {
  const removed = () => (props.edit.delete === undefined ? null : editText(props.edit.delete, props.edit.deleteLength));
  const added = () => (props.edit.insert === undefined ? null : editText(props.edit.insert, props.edit.insertLength));
  return (
    <span class="text-edit" aria-label={editWords(props.edit)}>
      <Show when={removed()}>
        {(t) => (
          <del class="value value--before" title={`Deleted ${t().full}`}>
            −{t().short}
          </del>
        )}
      </Show>
      <Show when={added()}>
        {(t) => (
          <ins class="value value--after" title={`Inserted ${t().full}`}>
            +{t().short}
          </ins>
        )}
      </Show>
      <Show when={props.edit.at > 0}>
        <span class="text-edit-at">at {props.edit.at}</span>
      </Show>
    </span>
  );
}

export function TextEdits(props: { edits: readonly TextEdit[] }): JSX.Element {
  const more = () => props.edits.length - MAX_SHOWN_EDITS;
  return (
    <span class="value-change text-edits">
      <For each={props.edits.slice(0, MAX_SHOWN_EDITS)}>{(edit) => <Edit edit={edit} />}</For>
      <Show when={more() > 0}>
        <span class="text-edit-at">
          and {more()} more {more() === 1 ? 'place' : 'places'}
        </span>
      </Show>
    </span>
  );
}
