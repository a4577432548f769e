/**
 * One-line text and integer fields, written as you type; emptying a field unsets it. Text is
 * bound to the property's Y.Text (`field-text.ts`), so two people typing in it at once both keep
 * their characters.
 */
import { createSignal, Show, type JSX } from 'solid-js';
import { useFieldText } from './field-text.ts';
import { setField } from '../form/field-writes.ts';
import { fieldSignal } from '../session/field-signals.ts';
import type { FieldProps } from './field-props.ts';

export function TextField(props: FieldProps): JSX.Element {
  let element!: HTMLInputElement;
  const text = useFieldText(props.session, props.property, () => element, { unsetWhenEmpty: true });
  const placeholder = () => {
    const d = props.schema.default;
    if (d !== undefined) return `default: ${String(d)}`;
    const example = props.schema.examples?.[0];
    return example !== undefined ? `e.g. ${String(example)}` : '';
  };
  return (
    <input
      ref={element}
      id={props.controlId}
      class="input"
      type="text"
      spellcheck={false}
      autocomplete="off"
      maxLength={props.schema.maxLength}
      placeholder={placeholder()}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid}
      onInput={() => text.onInput()}
    />
  );
}

/** A typed number the schema refuses, and what the configuration holds instead. */
interface Refusal {
  typed: string;
  reason: string;
}

/**
 * Integer fields. A number the schema refuses (not whole, out of range) is never written: the box
 * says at once that it was not kept and what the configuration still holds, and leaving the box
 * puts the stored value back in it, so what the page shows is what the document holds.
 */
export function NumberField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const value = fieldSignal<unknown>(session.fields, `/${property}`);
  const [refusal, setRefusal] = createSignal<Refusal | null>(null);
  const { minimum, maximum } = props.schema;
  const stored = () => (typeof value() === 'number' ? String(value()) : '');
  const storedWords = () => (stored() === '' ? 'nothing (not set)' : `${stored()}${props.schema['x-unit'] ? ` ${props.schema['x-unit']}` : ''}`);
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
        aria-invalid={props.invalid || refusal() !== null}
        data-refused={refusal() !== null ? 'true' : undefined}
        value={stored()}
        onInput={(event) => {
          const text = event.currentTarget.value.trim();
          if (text === '') {
            setRefusal(null);
            setField(session.doc, property, undefined, session.origin);
            return;
          }
          const n = Number(text);
          if (!Number.isInteger(n)) return setRefusal({ typed: text, reason: 'is not a whole number' });
          if ((minimum !== undefined && n < minimum) || (maximum !== undefined && n > maximum)) {
            return setRefusal({ typed: text, reason: `is not between ${minimum ?? '…'} and ${maximum ?? '…'}` });
          }
          setRefusal(null);
          setField(session.doc, property, n, session.origin);
        }}
        onBlur={(event) => {
          // The refused text goes; the note about it stays until the next edit.
          if (refusal() !== null) event.currentTarget.value = stored();
        }}
      />
      <Show when={props.schema['x-unit']}>
        <span class="unit">{props.schema['x-unit']}</span>
      </Show>
      <Show when={refusal()}>
        {(r) => (
          <span class="field-issue field-issue--error" role="alert" data-testid="number-refused">
            Not kept: {r().typed} {r().reason}. The configuration holds {storedWords()}.
          </span>
        )}
      </Show>
    </div>
  );
}
