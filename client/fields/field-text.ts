/**
 * Binds a text field's element (`<input>` or `<textarea>`) to the Y.Text of its property, so
 * concurrent typing at any position merges and remote edits keep the local caret in place
 * (`client/form/text-binding.ts`). Every free-text property is a Y.Text (docs/architecture.md,
 * "Document layout").
 *
 * The binding is re-made whenever the property's entry in the config map is set or deleted (a
 * whole-document write, an import or a server repair may put a new Y.Text there, even one with
 * the same text, which the field store's JSON comparison would not report). Until a Y.Text
 * exists, the first keystroke creates it.
 */
import { onCleanup, onMount } from 'solid-js';
import * as Y from 'yjs';
import { configMap } from '../../shared/doc-binding.ts';
import { bindTextArea, type TextAreaLike, type TextBinding } from '../form/text-binding.ts';
import type { ConfigSession } from '../session/config-session.ts';

export interface FieldText {
  /** The element's `input` handler: creates the Y.Text on the first keystroke; with
   * `unsetWhenEmpty`, a field emptied locally is removed ("not set"). */
  onInput(): void;
}

export function useFieldText(
  session: ConfigSession,
  property: string,
  element: () => TextAreaLike,
  options: { unsetWhenEmpty?: boolean } = {},
): FieldText {
  const map = configMap(session.doc);
  let bound: { text: Y.Text; binding: TextBinding } | null = null;

  const unbind = (): void => {
    bound?.binding.destroy();
    bound = null;
  };
  const bindCurrent = (): void => {
    const current = map.get(property);
    if (bound && bound.text === current) return;
    unbind();
    if (current instanceof Y.Text) bound = { text: current, binding: bindTextArea(current, element(), session.origin) };
    else element().value = typeof current === 'string' ? current : '';
  };
  const observer = (event: Y.YMapEvent<unknown>): void => {
    if (event.keysChanged.has(property)) bindCurrent();
  };

  onMount(() => {
    bindCurrent();
    map.observe(observer);
  });
  onCleanup(() => {
    map.unobserve(observer);
    unbind();
  });

  return {
    onInput() {
      const el = element();
      if (!bound) {
        // The binding's own listener handles every keystroke once a Y.Text exists.
        session.doc.transact(() => {
          // A plain string (written by a client of the older layout) is replaced by text.
          if (el.value === '' && options.unsetWhenEmpty) map.delete(property);
          else map.set(property, new Y.Text(el.value));
        }, session.origin);
        bindCurrent();
        return;
      }
      if (options.unsetWhenEmpty && bound.text.length === 0) {
        session.doc.transact(() => map.delete(property), session.origin);
      }
    },
  };
}
