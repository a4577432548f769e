/**
 * Multiline fields (customize script, extra lines, description) bound to their Y.Text, so concurrent typing
 * merges. The binding is re-made when the Y.Text itself is replaced (a whole-document PUT or an
 * import writes a new one); until a Y.Text exists, the first keystroke creates it.
 */
import { createEffect, onCleanup, type JSX } from 'solid-js';
import * as Y from 'yjs';
import { configMap } from '../../shared/doc-binding.ts';
import { bindTextArea, type TextBinding } from '../form/text-binding.ts';
import { fieldSignal } from '../session/field-signals.ts';
import type { FieldProps } from './field-props.ts';

/** Rows of a code field before it scrolls; a typical customize-image.sh screenful. */
const CODE_ROWS = 12;
const TEXT_ROWS = 4;

export function TextAreaField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const map = configMap(session.doc);
  const value = fieldSignal<unknown>(session.fields, `/${property}`);
  let element!: HTMLTextAreaElement;
  let bound: { text: Y.Text; binding: TextBinding } | null = null;

  const unbind = () => {
    bound?.binding.destroy();
    bound = null;
  };
  const bindCurrent = () => {
    const text = map.get(property);
    if (bound && bound.text === text) return;
    unbind();
    if (text instanceof Y.Text) bound = { text, binding: bindTextArea(text, element, session.origin) };
    else element.value = typeof text === 'string' ? text : '';
  };

  // Any change of the value may come with a new Y.Text (or its removal): check the instance.
  createEffect(() => {
    value();
    bindCurrent();
  });
  onCleanup(unbind);

  const onInput = () => {
    if (bound) return; // the binding handles it
    session.doc.transact(() => map.set(property, new Y.Text(element.value)), session.origin);
    bindCurrent();
  };

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
      onInput={onInput}
    />
  );
}
