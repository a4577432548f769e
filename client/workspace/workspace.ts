/**
 * The golden-layout 2 workspace with virtual components: golden-layout computes where each panel
 * goes, and we position the panel's own element there. Panels are never re-parented, so a drag
 * or a maximise does not tear down a Tiptap editor or a focused input.
 */
import {
  LayoutConfig,
  ResolvedComponentItemConfig,
  VirtualLayout,
  type ComponentContainer,
  type ComponentItem,
  type ContentItem,
} from 'golden-layout';
import { createSignal, type Accessor } from 'solid-js';
import { PANEL_TITLES, type PanelType } from './panel-types.ts';
import { labelTabs, onTabKey } from './tab-keys.ts';

/** Mounts a panel into `element`; returns its disposer. */
export type RenderPanel = (type: string, element: HTMLElement) => () => void;

export interface Workspace {
  load(config: LayoutConfig): void;
  /** The current layout, in the form golden-layout loads again. */
  save(): LayoutConfig;
  /** Panel types currently in the layout. */
  openPanels: Accessor<ReadonlySet<string>>;
  /** Adds a panel if it is missing, then brings it to the front of its stack. */
  reveal(type: PanelType): void;
  onChanged(listener: () => void): void;
  destroy(): void;
}

interface Bound {
  type: string;
  element: HTMLElement;
  dispose: () => void;
}

export function createWorkspace(host: HTMLElement, renderPanel: RenderPanel): Workspace {
  const bound = new Map<ComponentContainer, Bound>();
  const [openPanels, setOpenPanels] = createSignal<ReadonlySet<string>>(new Set());
  const refreshOpen = () => setOpenPanels(new Set([...bound.values()].map((b) => b.type)));
  let hostRect: DOMRect = host.getBoundingClientRect();
  const changeListeners: (() => void)[] = [];

  const bind = (container: ComponentContainer, itemConfig: ResolvedComponentItemConfig): ComponentContainer.BindableComponent => {
    const type = String(ResolvedComponentItemConfig.resolveComponentTypeName(itemConfig) ?? 'unknown');
    const element = document.createElement('div');
    element.className = 'panel-frame';
    element.dataset.panel = type;
    // Named by its tab once golden-layout has made one (tab-keys.ts); until then by its title.
    element.setAttribute('role', 'region');
    element.setAttribute('aria-label', PANEL_TITLES[type as PanelType] ?? type);
    host.appendChild(element);
    const dispose = renderPanel(type, element);
    bound.set(container, { type, element, dispose });
    container.virtualRectingRequiredEvent = (c, width, height) => {
      const rect = c.element.getBoundingClientRect();
      element.style.left = `${rect.left - hostRect.left}px`;
      element.style.top = `${rect.top - hostRect.top}px`;
      element.style.width = `${width}px`;
      element.style.height = `${height}px`;
    };
    container.virtualVisibilityChangeRequiredEvent = (_c, visible) => {
      element.style.display = visible ? '' : 'none';
    };
    container.virtualZIndexChangeRequiredEvent = (_c, _logical, defaultZIndex) => {
      element.style.zIndex = defaultZIndex;
    };
    refreshOpen();
    relabel();
    return { component: element, virtual: true };
  };

  const unbind = (container: ComponentContainer): void => {
    const entry = bound.get(container);
    if (!entry) return;
    bound.delete(container);
    entry.dispose();
    entry.element.remove();
    refreshOpen();
  };

  const layout = new VirtualLayout(host, bind, unbind);
  layout.resizeWithContainerAutomatically = true;
  layout.beforeVirtualRectingEvent = () => {
    hostRect = host.getBoundingClientRect();
  };
  // Tabs get their roles and roving tabindex after each change (tabs come and go, the active one
  // moves); a microtask, so golden-layout has finished building the header first.
  let labelQueued = false;
  let lastId = 0;
  const newId = () => String(++lastId);
  const relabel = () => {
    if (labelQueued) return;
    labelQueued = true;
    queueMicrotask(() => {
      labelQueued = false;
      labelTabs([...bound].map(([container, entry]) => ({ container, element: entry.element })), newId);
    });
  };
  // stateChanged is throttled by golden-layout; the active tab must be right at once for the keys.
  layout.on('activeContentItemChanged', relabel);
  layout.on('stateChanged', () => {
    relabel();
    for (const listener of changeListeners) listener();
  });
  const onKeyDown = (event: KeyboardEvent) =>
    onTabKey(event, (tab) => [...bound.keys()].find((container) => container.parent?.tab?.element === tab)?.parent);
  host.addEventListener('keydown', onKeyDown);

  const findItem = (type: string): ComponentItem | undefined => {
    for (const [container, entry] of bound) if (entry.type === type) return container.parent;
    return undefined;
  };

  return {
    load(config) {
      layout.loadLayout(config);
      relabel();
    },
    save() {
      return LayoutConfig.fromResolved(layout.saveLayout());
    },
    openPanels,
    reveal(type) {
      let item = findItem(type);
      if (!item) {
        layout.addComponent(type, undefined, PANEL_TITLES[type]);
        item = findItem(type);
      }
      const stack = item?.parent as (ContentItem & { setActiveComponentItem?: (i: ComponentItem, focus: boolean) => void }) | null;
      if (item && stack?.setActiveComponentItem) stack.setActiveComponentItem(item, true);
    },
    onChanged(listener) {
      changeListeners.push(listener);
    },
    destroy() {
      host.removeEventListener('keydown', onKeyDown);
      layout.destroy();
    },
  };
}
