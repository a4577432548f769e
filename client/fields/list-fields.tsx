/**
 * List fields, edited item by item on the document's Y.Array:
 * - tags (extensions, extra packages): add by typing (Enter, space or comma), remove, reorder
 *   with the arrow buttons or Alt+↑/↓ on an item;
 * - multi-select (image output steps): a checkbox per allowed value.
 * Each is one Tab stop, as every field is (field-actions.ts): the tags' text box, from which ←
 * (at the start) or Backspace (when empty) walks into the items; the checkboxes as a roving group
 * moved through with the arrow keys.
 */
import { createSignal, For, Index, Show, type JSX } from 'solid-js';
import { addItems, moveItem, removeItem, splitTags, toggleItem } from '../form/field-writes.ts';
import { fieldSignal } from '../session/field-signals.ts';
import type { FieldProps } from './field-props.ts';

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v)) : [];
}

export function TagsField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const list = fieldSignal<unknown>(session.fields, `/${property}`);
  const values = () => asList(list());
  const [draft, setDraft] = createSignal('');
  let itemsEl: HTMLUListElement | undefined;

  const commit = (): void => {
    const tags = splitTags(draft());
    if (tags.length === 0) return;
    addItems(session.doc, property, tags, undefined, session.origin);
    setDraft('');
  };
  let inputEl: HTMLInputElement | undefined;
  const focusItem = (index: number): void => {
    queueMicrotask(() => (itemsEl?.querySelectorAll<HTMLElement>('.tag-text')[index])?.focus());
  };
  const move = (from: number, to: number): void => {
    moveItem(session.doc, property, from, to, session.origin);
    focusItem(to);
  };

  return (
    <div class="tags" role="group" aria-labelledby={`${props.controlId}-label`} aria-describedby={props.describedBy}>
      <ul class="tag-list" ref={itemsEl}>
        <Index each={values()}>
          {(item, index) => (
            <li class="tag" data-index={index}>
              <span
                class="tag-text"
                tabindex="-1"
                title="←/→ to go through, Alt+↑/↓ to move, Delete to remove"
                onKeyDown={(event) => {
                  if (!event.altKey && event.key === 'ArrowLeft' && index > 0) focusItem(index - 1);
                  else if (!event.altKey && event.key === 'ArrowRight') {
                    if (index < values().length - 1) focusItem(index + 1);
                    else inputEl?.focus();
                  } else if (event.altKey && event.key === 'ArrowUp' && index > 0) move(index, index - 1);
                  else if (event.altKey && event.key === 'ArrowDown' && index < values().length - 1) move(index, index + 1);
                  else if (event.key === 'Delete' || event.key === 'Backspace') {
                    removeItem(session.doc, property, index, session.origin);
                    focusItem(Math.min(index, values().length - 1));
                  } else return;
                  event.preventDefault();
                }}
              >
                {item()}
              </span>
              <span class="tag-actions">
                <button type="button" class="icon-button" tabIndex={-1} aria-label={`Move ${item()} up`} disabled={index === 0} onClick={() => move(index, index - 1)}>
                  ↑
                </button>
                <button
                  type="button"
                  class="icon-button"
                  tabIndex={-1}
                  aria-label={`Move ${item()} down`}
                  disabled={index === values().length - 1}
                  onClick={() => move(index, index + 1)}
                >
                  ↓
                </button>
                <button type="button" class="icon-button icon-button--danger" tabIndex={-1} aria-label={`Remove ${item()}`} onClick={() => removeItem(session.doc, property, index, session.origin)}>
                  ×
                </button>
              </span>
            </li>
          )}
        </Index>
      </ul>
      <div class="tag-add">
        <input
          ref={inputEl}
          id={props.controlId}
          class="input"
          type="text"
          spellcheck={false}
          autocomplete="off"
          placeholder={`Add ${(props.schema.items?.title ?? 'item').toLowerCase()}…`}
          aria-label={`Add to ${props.schema.title}`}
          aria-invalid={props.invalid}
          value={draft()}
          onInput={(event) => {
            const text = event.currentTarget.value;
            // Typing a separator commits what came before it; pasted lists are split too.
            if (/[\s,]$/.test(text)) {
              setDraft(text);
              commit();
            } else setDraft(text);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              commit();
            } else if (event.key === 'Backspace' && draft() === '' && values().length > 0) {
              focusItem(values().length - 1);
            } else if (event.key === 'ArrowLeft' && event.currentTarget.selectionStart === 0 && event.currentTarget.selectionEnd === 0 && values().length > 0) {
              event.preventDefault();
              focusItem(values().length - 1);
            }
          }}
        />
        {/* Enter in the box does the same: no Tab stop of its own. */}
        <button type="button" class="button" tabIndex={-1} onClick={commit} disabled={draft().trim() === ''}>
          Add
        </button>
      </div>
      <Show when={values().length === 0}>
        <p class="field-empty">None yet.</p>
      </Show>
    </div>
  );
}

export function MultiSelectField(props: FieldProps): JSX.Element {
  const { session, property } = props;
  const list = fieldSignal<unknown>(session.fields, `/${property}`);
  const fallback = asList(props.schema.default);
  /** Unset means the framework default, so the boxes show the default until someone ticks one. */
  const values = () => (list() === undefined ? fallback : asList(list()));
  const order = props.schema.items?.enum ?? [];
  const toggle = (option: string, on: boolean) =>
    session.doc.transact(() => {
      if (list() === undefined) addItems(session.doc, property, fallback, 0, session.origin);
      toggleItem(session.doc, property, option, on, order, session.origin);
    }, session.origin);
  // Roving tabindex: the box last moved to is the group's Tab stop; arrows move between boxes.
  const [stop, setStop] = createSignal(0);
  let group: HTMLDivElement | undefined;
  const onKeyDown = (event: KeyboardEvent) => {
    const boxes = [...(group?.querySelectorAll<HTMLInputElement>('input[type=checkbox]') ?? [])];
    const at = boxes.indexOf(event.target as HTMLInputElement);
    if (at < 0) return;
    const step = event.key === 'ArrowRight' || event.key === 'ArrowDown' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (at + step + boxes.length) % boxes.length;
    setStop(next);
    boxes[next].focus();
  };
  return (
    <div class="checks" role="group" ref={group} aria-labelledby={`${props.controlId}-label`} aria-describedby={props.describedBy} id={props.controlId} onKeyDown={onKeyDown}>
      <For each={order}>
        {(option, i) => (
          <label class="check">
            <input
              type="checkbox"
              tabIndex={stop() === i() ? 0 : -1}
              onFocus={() => setStop(i())}
              checked={values().includes(option)}
              onChange={(event) => toggle(option, event.currentTarget.checked)}
            />
            <span>{option}</span>
          </label>
        )}
      </For>
      <Show when={list() === undefined}>
        <span class="segment-hint">default</span>
      </Show>
    </div>
  );
}
