/** A value before → after in one compact line: removed in red, added in green, nothing as "empty". */
import { Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { shortValue, valueText } from './value-format.ts';

function Value(props: { value: unknown; kind: 'before' | 'after' }): JSX.Element {
  const text = () => shortValue(props.value);
  return (
    <Show when={text() !== ''} fallback={<span class="value value--empty">empty</span>}>
      <Dynamic component={props.kind === 'before' ? 'del' : 'ins'} class={`value value--${props.kind}`} title={valueText(props.value)}>
        {text()}
      </Dynamic>
    </Show>
  );
}

/** Text is shown as edits instead (`text-edits.tsx`). */
export function ValueChange(props: { before: unknown; after: unknown }): JSX.Element {
  return (
    <span class="value-change">
      <Value value={props.before} kind="before" />
      <span class="value-arrow" aria-label="changed to">
        →
      </span>
      <Value value={props.after} kind="after" />
    </span>
  );
}
