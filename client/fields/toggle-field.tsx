/**
 * yes/no switches as a segmented radio group: arrow keys move between the choices, and a switch
 * without a framework default has a third choice, "auto" (not set).
 */
import { For, type JSX } from 'solid-js';
import { setField } from '../form/field-writes.ts';
import { fieldSignal } from '../session/field-signals.ts';
import type { FieldProps } from './field-props.ts';

export function ToggleField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const value = fieldSignal<unknown>(session.fields, `/${property}`);
  const fallback = props.schema.default as string | undefined;
  const choices = [...(props.schema.enum ?? [])];
  const UNSET = '';
  const all = fallback === undefined ? [UNSET, ...choices] : choices;
  const selected = () => (typeof value() === 'string' ? (value() as string) : fallback ?? UNSET);

  const choose = (choice: string) => setField(session.doc, property, choice === UNSET ? undefined : choice, session.origin);

  return (
    <div class="segmented" role="radiogroup" aria-labelledby={`${props.controlId}-label`} aria-describedby={props.describedBy} id={props.controlId}>
      <For each={all}>
        {(choice) => (
          <label class="segment" classList={{ 'segment--on': selected() === choice, 'segment--default': value() === undefined && choice === selected() }}>
            <input
              type="radio"
              name={props.controlId}
              value={choice}
              checked={selected() === choice}
              onChange={() => choose(choice)}
            />
            <span>{choice === UNSET ? 'auto' : choice}</span>
          </label>
        )}
      </For>
      <span class="segment-hint">{value() === undefined ? (fallback !== undefined ? 'default' : 'build decides') : ''}</span>
    </div>
  );
}
