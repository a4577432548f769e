/** A native <select> over an enum, its options narrowed by the board (branch, release). */
import { createMemo, For, Show, type JSX } from 'solid-js';
import { setField } from '../form/field-writes.ts';
import { enumOptions, optionInputs } from '../form/enum-options.ts';
import { dataSignal, fieldSignal } from '../session/field-signals.ts';
import type { FieldProps } from './field-props.ts';

export function SelectField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const value = fieldSignal<unknown>(session.fields, `/${property}`);
  const inputs = dataSignal(session.fields, optionInputs(property));
  const options = createMemo(() => enumOptions(session.schema, property, inputs(), session.customBoards()));
  // A conditional property's default is not applied (it would be a setting without effect), and
  // the rules ask for it explicitly when its condition holds: offer no "Default" there.
  const fallback = () => (props.schema['x-when'] ? undefined : props.schema.default);
  const required = session.schema.required.includes(property) || props.schema['x-when'] !== undefined;
  const current = () => (typeof value() === 'string' ? (value() as string) : '');

  const onChange = (event: Event) => {
    const next = (event.currentTarget as HTMLSelectElement).value;
    setField(session.doc, property, next === '' ? undefined : next, session.origin);
  };

  return (
    <select
      id={props.controlId}
      class="input select"
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid}
      value={current()}
      onChange={onChange}
    >
      <option value="">
        {fallback() !== undefined ? `Default (${String(fallback())})` : required ? 'Choose…' : 'Not set'}
      </option>
      <For each={options()}>
        {(option) => (
          <option value={option.value} selected={option.value === current()} disabled={!option.offered && option.value !== current()}>
            {option.label}
            <Show when={option.detail}>{` (${option.detail})`}</Show>
            <Show when={!option.offered}>{' — not offered'}</Show>
          </option>
        )}
      </For>
    </select>
  );
}
