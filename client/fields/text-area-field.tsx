/**
 * Multiline fields (customize script, extra lines, description) bound to their Y.Text, so
 * concurrent typing merges (`field-text.ts`). Emptying one keeps an empty text.
 */
import type { JSX } from 'solid-js';
import { useFieldText } from './field-text.ts';
import type { FieldProps } from './field-props.ts';

/** Rows of a code field before it scrolls; a typical customize-image.sh screenful. */
const CODE_ROWS = 12;
const TEXT_ROWS = 4;

export function TextAreaField(props: FieldProps): JSX.Element {
  let element!: HTMLTextAreaElement;
  const text = useFieldText(props.session, props.property, () => element);

  return (
    <textarea
      ref={element}
      id={props.controlId}
      class="input textarea"
      classList={{ 'textarea--code': props.schema['x-widget'] === 'code' }}
      rows={props.schema['x-widget'] === 'code' ? CODE_ROWS : TEXT_ROWS}
      spellcheck={props.schema['x-widget'] !== 'code'}
      maxLength={props.schema.maxLength}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid}
      placeholder={typeof props.schema.examples?.[0] === 'string' ? props.schema.examples[0] : ''}
      onInput={() => text.onInput()}
    />
  );
}
