/**
 * A toolbar that is one Tab stop, after the WAI-ARIA APG "Toolbar" pattern (as the field actions
 * are, client/fields/field-actions.ts): the button used last has tabindex 0, the others -1; ←/→
 * move between the enabled buttons (wrapping), Home/End jump to the first/last.
 */

function buttonsOf(toolbar: HTMLElement): HTMLButtonElement[] {
  return [...toolbar.querySelectorAll<HTMLButtonElement>('button')];
}

/** Keeps exactly one enabled button in the Tab order: the one focused last, else the first. */
export function settleRovingStop(toolbar: HTMLElement): void {
  const buttons = buttonsOf(toolbar);
  const enabled = buttons.filter((b) => !b.disabled);
  const stop = enabled.find((b) => b.tabIndex === 0) ?? enabled[0];
  for (const b of buttons) b.tabIndex = b === stop ? 0 : -1;
}

/** The toolbar's keydown handler; returns true when it used the key. */
export function onToolbarKey(event: KeyboardEvent, toolbar: HTMLElement): boolean {
  const enabled = buttonsOf(toolbar).filter((b) => !b.disabled);
  const at = enabled.indexOf(event.target as HTMLButtonElement);
  if (at < 0 || enabled.length === 0) return false;
  let next: HTMLButtonElement;
  switch (event.key) {
    case 'ArrowRight':
      next = enabled[(at + 1) % enabled.length];
      break;
    case 'ArrowLeft':
      next = enabled[(at - 1 + enabled.length) % enabled.length];
      break;
    case 'Home':
      next = enabled[0];
      break;
    case 'End':
      next = enabled[enabled.length - 1];
      break;
    default:
      return false;
  }
  event.preventDefault();
  for (const b of buttonsOf(toolbar)) b.tabIndex = b === next ? 0 : -1;
  next.focus();
  return true;
}
