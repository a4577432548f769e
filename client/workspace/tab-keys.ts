/**
 * golden-layout's tab strips made reachable by keyboard, after the WAI-ARIA APG "Tabs" pattern
 * with automatic activation: each strip is one Tab stop (roving tabindex: the active tab has
 * tabindex 0, the others -1), ←/→ move to the previous/next tab of the strip and bring it to the
 * front, Home/End jump to the first/last, Enter/Space bring the focused tab to the front, Delete
 * closes a closable one. golden-layout 2 renders tabs as plain <div>s with no roles and no key
 * handling; this adds the roles (tablist, tab, tabpanel) and the keys without touching its code.
 *
 * The stack's own controls (maximise/restore, close the group) are <div>s with a click handler
 * too: `labelStackControls` makes them named buttons in the Tab order (after the strip they
 * belong to) that Enter and Space press.
 */
import type { ComponentContainer, ComponentItem, Stack } from 'golden-layout';

/** One panel as the workspace holds it: its golden-layout container and the element we render into. */
export interface TabbedPanel {
  container: ComponentContainer;
  element: HTMLElement;
}

function ensureId(element: HTMLElement, prefix: string, newId: () => string): string {
  if (!element.id) element.id = `${prefix}-${newId()}`;
  return element.id;
}

function stackOf(item: ComponentItem): Stack | null {
  const parent = item.parentItem as Stack | null;
  return parent && typeof parent.setActiveComponentItem === 'function' ? parent : null;
}

/**
 * Roles, names and the roving tabindex, for the layout as it is now. Call after every change.
 * `newId` makes the DOM ids that tie a tab to its panel (one counter per workspace).
 */
export function labelTabs(panels: Iterable<TabbedPanel>, newId: () => string): void {
  for (const { container, element } of panels) {
    const item = container.parent;
    const tab = item?.tab;
    if (!tab) continue;
    const tabEl = tab.element;
    const tabId = ensureId(tabEl, 'panel-tab', newId);
    const panelId = ensureId(element, 'panel', newId);
    tabEl.setAttribute('role', 'tab');
    tabEl.setAttribute('aria-selected', String(tab.isActive));
    tabEl.setAttribute('aria-controls', panelId);
    tabEl.tabIndex = tab.isActive ? 0 : -1;
    // The close "x" is a mouse target; the keyboard closes with Delete.
    tab.closeElement?.setAttribute('aria-hidden', 'true');
    element.setAttribute('role', 'tabpanel');
    element.setAttribute('aria-labelledby', tabId);
    element.removeAttribute('aria-label');
    const strip = stackOf(item)?.header.tabsContainerElement;
    if (strip) {
      // A <section> in golden-layout: axe calls the role override "minor"; browsers honour it.
      strip.setAttribute('role', 'tablist');
      strip.setAttribute('aria-label', 'Panels');
    }
  }
}

/**
 * Handles the keys on a focused tab; returns false for other targets and keys. `findItem` maps a
 * tab element back to its golden-layout item.
 */
export function onTabKey(event: KeyboardEvent, findItem: (tab: HTMLElement) => ComponentItem | undefined): boolean {
  const target = event.target as HTMLElement | null;
  if (!target || target.getAttribute('role') !== 'tab') return false;
  const item = findItem(target);
  const stack = item && stackOf(item);
  if (!item || !stack) return false;
  const siblings = stack.contentItems.filter((c): c is ComponentItem => c.isComponent);
  const at = siblings.indexOf(item);
  const show = (next: ComponentItem | undefined) => {
    if (!next) return;
    stack.setActiveComponentItem(next, true);
    next.tab.element.focus();
  };
  switch (event.key) {
    case 'ArrowRight':
      show(siblings[(at + 1) % siblings.length]);
      break;
    case 'ArrowLeft':
      show(siblings[(at - 1 + siblings.length) % siblings.length]);
      break;
    case 'Home':
      show(siblings[0]);
      break;
    case 'End':
      show(siblings[siblings.length - 1]);
      break;
    case 'Enter':
    case ' ':
      show(item);
      break;
    case 'Delete':
      if (!item.isClosable) return false;
      // Focus goes to the tab that takes its place, so the keyboard user is not dropped to <body>.
      item.container.close();
      queueMicrotask(() => stack.getActiveComponentItem()?.tab.element.focus());
      break;
    default:
      return false;
  }
  event.preventDefault();
  return true;
}

/** golden-layout's header controls we make into buttons (the popout control is switched off). */
const STACK_CONTROLS = '.lm_controls > .lm_maximise, .lm_controls > .lm_close';

function titlesOf(header: Element): string[] {
  return [...header.querySelectorAll('.lm_tab .lm_title')].map((t) => t.textContent ?? '').filter((t) => t !== '');
}

/** Roles, names and Tab stops for every stack's maximise and close controls. Call after changes. */
export function labelStackControls(root: HTMLElement): void {
  for (const control of root.querySelectorAll<HTMLElement>(STACK_CONTROLS)) {
    const header = control.closest('.lm_header');
    if (!header) continue;
    control.setAttribute('role', 'button');
    control.tabIndex = 0;
    const active = header.querySelector('.lm_tab.lm_active .lm_title')?.textContent ?? 'panel';
    if (control.classList.contains('lm_maximise')) {
      const maximised = control.closest('.lm_stack')?.classList.contains('lm_maximised') ?? false;
      control.setAttribute('aria-label', maximised ? `Restore ${active} to its place` : `Maximise ${active}`);
    } else {
      control.setAttribute('aria-label', `Close the panels ${titlesOf(header).join(', ')}`);
    }
  }
}

/** Enter or Space on a stack control presses it; returns true when it did. */
export function onStackControlKey(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target?.matches(STACK_CONTROLS) || (event.key !== 'Enter' && event.key !== ' ')) return false;
  event.preventDefault();
  const root = target.closest('.lm_goldenlayout');
  const closing = target.classList.contains('lm_close');
  target.click();
  // A closed group takes its controls with it: go on from the first panel's tab, not from <body>.
  // A maximised or restored group is moved in the DOM, which drops the focus: put it back.
  if (closing) queueMicrotask(() => root?.querySelector<HTMLElement>('[role=tab][tabindex="0"]')?.focus());
  else queueMicrotask(() => target.focus());
  return true;
}
