/**
 * A button that opens a menu, after the WAI-ARIA APG "Menu Button" pattern: Enter, Space or ↓
 * opens it on the first item (↑ on the last), ↑/↓ move through the items (wrapping), Home/End
 * jump, Enter/Space choose, Escape closes and gives focus back to the button, Tab closes and
 * moves on. Items are not Tab stops themselves (tabindex -1, focus moved by the keys).
 */
import { createSignal, createUniqueId, For, onCleanup, Show, type JSX } from 'solid-js';

export interface MenuItem {
  label: string;
  /** A checkable item (menuitemcheckbox) when set. */
  checked?: boolean;
  onSelect(): void;
}

export function MenuButton(props: { label: JSX.Element; items: MenuItem[]; testId?: string }): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const menuId = createUniqueId();
  const buttonId = createUniqueId();
  let root: HTMLDivElement | undefined;
  let button: HTMLButtonElement | undefined;
  let list: HTMLDivElement | undefined;

  const items = () => (list ? [...list.querySelectorAll<HTMLElement>('[role^=menuitem]')] : []);
  const focusItem = (index: number) => {
    const all = items();
    if (all.length === 0) return;
    all[(index + all.length) % all.length].focus();
  };
  const openAt = (index: number) => {
    setOpen(true);
    // The list renders synchronously on setOpen; focus it once it is in the DOM.
    queueMicrotask(() => focusItem(index < 0 ? items().length - 1 : index));
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button?.focus();
  };

  const closeOnOutside = (event: MouseEvent) => {
    if (open() && root && !root.contains(event.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', closeOnOutside);
  onCleanup(() => document.removeEventListener('mousedown', closeOnOutside));

  const onButtonKey = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') openAt(0);
    else if (event.key === 'ArrowUp') openAt(-1);
    else if (event.key === 'Escape' && open()) close(true);
    else return;
    event.preventDefault();
  };

  const onMenuKey = (event: KeyboardEvent) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    switch (event.key) {
      case 'ArrowDown':
        focusItem(at + 1);
        break;
      case 'ArrowUp':
        focusItem(at - 1);
        break;
      case 'Home':
        focusItem(0);
        break;
      case 'End':
        focusItem(all.length - 1);
        break;
      case 'Escape':
        close(true);
        break;
      case 'Tab':
        // Closes and lets Tab move on from the button.
        close(true);
        return;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <div class="menu" ref={root}>
      <button
        ref={button}
        id={buttonId}
        type="button"
        class="button button--small"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-controls={open() ? menuId : undefined}
        data-testid={props.testId}
        onClick={() => (open() ? close(false) : openAt(0))}
        onKeyDown={onButtonKey}
      >
        {props.label}
      </button>
      <Show when={open()}>
        <div class="menu-list" role="menu" id={menuId} ref={list} aria-labelledby={buttonId} onKeyDown={onMenuKey}>
          <For each={props.items}>
            {(item) => (
              <button
                type="button"
                role={item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
                aria-checked={item.checked}
                tabIndex={-1}
                class="menu-item"
                onClick={() => {
                  item.onSelect();
                  close(true);
                }}
              >
                <span class="menu-check" aria-hidden="true">{item.checked ? '✓' : ''}</span>
                {item.label}
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
