/**
 * Keyboard access to a field's actions (comments, history, the Armbian docs links) without
 * costing Tab stops: a form of 60 fields is 60 Tab stops, one per field's own control, not 180.
 *
 * The actions of a row form one roving group after the WAI-ARIA APG "Toolbar" pattern (roving
 * tabindex, ←/→ and Home/End move between them), entered from the field's control with the
 * keys that open "the actions of this thing" everywhere else: Shift+F10 or the context-menu key.
 * Escape goes back to the control. In a read-only form the controls are disabled, so the first
 * action is the row's one Tab stop instead.
 */

/** Marks the elements of a row that belong to its roving group of actions. */
export const FIELD_ACTION_ATTR = 'data-field-action';

/** The key shortcut a field's control announces (`aria-keyshortcuts`). */
export const FIELD_ACTIONS_SHORTCUT = 'Shift+F10';

function actionsOf(row: HTMLElement): HTMLElement[] {
  return [...row.querySelectorAll<HTMLElement>(`[${FIELD_ACTION_ATTR}]`)];
}

/** The row's own control: what Escape goes back to. */
function controlOf(row: HTMLElement): HTMLElement | null {
  return row.querySelector<HTMLElement>(
    '.field-control input:not([type=radio]):not(:disabled), .field-control select:not(:disabled), .field-control textarea:not(:disabled), .field-control input[type=radio]:checked:not(:disabled)',
  );
}

/** Moves focus to `next` and makes it the group's remembered stop when the group has one. */
function rove(actions: HTMLElement[], next: HTMLElement): void {
  if (actions.some((a) => a.tabIndex === 0)) for (const a of actions) a.tabIndex = a === next ? 0 : -1;
  next.focus();
}

const opensActions = (event: KeyboardEvent) => event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10');

/** The row's keydown handler; returns true when it used the key. */
export function onFieldRowKey(event: KeyboardEvent, row: HTMLElement): boolean {
  const target = event.target as HTMLElement;
  const actions = actionsOf(row);
  if (actions.length === 0) return false;
  const at = actions.indexOf(target);
  if (at < 0) {
    if (!opensActions(event)) return false;
    rove(actions, actions[0]);
  } else {
    switch (event.key) {
      case 'ArrowRight':
        rove(actions, actions[(at + 1) % actions.length]);
        break;
      case 'ArrowLeft':
        rove(actions, actions[(at - 1 + actions.length) % actions.length]);
        break;
      case 'Home':
        rove(actions, actions[0]);
        break;
      case 'End':
        rove(actions, actions[actions.length - 1]);
        break;
      case 'Escape': {
        const control = controlOf(row);
        if (!control) return false;
        control.focus();
        break;
      }
      default:
        return false;
    }
  }
  event.preventDefault();
  return true;
}
