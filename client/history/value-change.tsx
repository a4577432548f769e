/** A value before → after in one compact line: removed in red, added in green, nothing as "empty". */
import { Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { shortValue, valueText } from './value-format.ts';

function Value(props: { value: unknown; kind: 'before' | 'after'; partial: boolean }): JSX.Element {
  const text = () => shortValue(props.value);
  return (
    <Show when={text() !== ''} fallback={<span class="value value--empty">empty</span>}>
      <Dynamic component={props.kind === 'before' ? 'del' : 'ins'} class={`value value--${props.kind}`} title={valueText(props.value)}>
        {props.partial ? '…' : ''}
        {text()}
        {props.partial ? '…' : ''}
      </Dynamic>
    </Show>
  );
}

/** `partial`: only the changed part of a longer text (the change log keeps excerpts of text). */
export function ValueChange(props: { before: unknown; after: unknown; partial?: boolean }): JSX.Element {
  return (
    <span class="value-change">
      <Value value={props.before} kind="before" partial={!!props.partial} />
      <span class="value-arrow" aria-label="changed to">
        →
      </span>
      <Value value={props.after} kind="after" partial={!!props.partial} />
    </span>
  );
}
