/** One-line text and integer fields, written as you type; emptying a field unsets it. */
import { createSignal, Show, type JSX } from 'solid-js';
import { setField } from '../form/field-writes.ts';
import { fieldSignal } from '../session/field-signals.ts';
import type { FieldProps } from './field-props.ts';

export function TextField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const value = fieldSignal<unknown>(session.fields, `/${property}`);
  const placeholder = () => {
    const d = props.schema.default;
    if (d !== undefined) return `default: ${String(d)}`;
    const example = props.schema.examples?.[0];
    return example !== undefined ? `e.g. ${String(example)}` : '';
  };
  return (
    <input
      id={props.controlId}
      class="input"
      type="text"
      spellcheck={false}
      autocomplete="off"
      maxLength={props.schema.maxLength}
      placeholder={placeholder()}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid}
      value={typeof value() === 'string' ? (value() as string) : ''}
      onInput={(event) => {
        const next = event.currentTarget.value;
        setField(session.doc, property, next === '' ? undefined : next, session.origin);
      }}
    />
  );
}

export function NumberField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const value = fieldSignal<unknown>(session.fields, `/${property}`);
  /** What is typed but is not a whole number in range: shown, not written. */
  const [draftError, setDraftError] = createSignal<string | null>(null);
  const { minimum, maximum } = props.schema;
  return (
    <div class="number-field">
      <input
        id={props.controlId}
        class="input input--number"
        type="number"
        inputmode="numeric"
        step="1"
        min={minimum}
        max={maximum}
        placeholder={props.schema.default !== undefined ? `default: ${String(props.schema.default)}` : 'auto'}
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid || draftError() !== null}
        value={typeof value() === 'number' ? String(value()) : ''}
        onInput={(event) => {
          const text = event.currentTarget.value.trim();
          if (text === '') {
            setDraftError(null);
            setField(session.doc, property, undefined, session.origin);
            return;
          }
          const n = Number(text);
          if (!Number.isInteger(n)) return setDraftError('a whole number');
          if ((minimum !== undefined && n < minimum) || (maximum !== undefined && n > maximum)) {
            return setDraftError(`between ${minimum ?? '…'} and ${maximum ?? '…'}`);
          }
          setDraftError(null);
          setField(session.doc, property, n, session.origin);
        }}
      />
      <Show when={props.schema['x-unit']}>
        <span class="unit">{props.schema['x-unit']}</span>
      </Show>
      <Show when={draftError()}>
        <span class="field-issue field-issue--error">Enter {draftError()}.</span>
      </Show>
    </div>
  );
}
