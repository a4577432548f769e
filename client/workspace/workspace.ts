/**
 * The golden-layout 2 workspace with virtual components: golden-layout computes where each panel
 * goes, and we position the panel's own element there. Panels are never re-parented, so a drag
 * or a maximise does not tear down a Tiptap editor or a focused input.
 */
import {
  LayoutConfig,
  type LayoutManager,
  ResolvedComponentItemConfig,
  VirtualLayout,
  type ComponentContainer,
  type ComponentItem,
  type ContentItem,
} from 'golden-layout';
import { createSignal, type Accessor } from 'solid-js';
import { readPanelState, type PanelInstance, type PanelState } from './panel-instance.ts';
import { PANEL_TITLES, type PanelType } from './panel-types.ts';
import { labelStackControls, labelTabs, onStackControlKey, onTabKey } from './tab-keys.ts';

/** Mounts a panel into `element`; returns its disposer. */
export type RenderPanel = (type: string, element: HTMLElement, panel: PanelInstance) => () => void;

export interface Workspace {
  load(config: LayoutConfig): void;
  /** The current layout, in the form golden-layout loads again. */
  save(): LayoutConfig;
  /** Panel types currently in the layout. */
  openPanels: Accessor<ReadonlySet<string>>;
  /** Brings a panel of `type` to the front of its stack: the one used last when there are several,
   * a new one when there is none. Returns its panel id. */
  reveal(type: PanelType): string | null;
  /** Adds another panel of `type` (two Forms, two Histories side by side) and brings it forward. */
  add(type: PanelType): string | null;
  onChanged(listener: () => void): void;
  destroy(): void;
}

/** golden-layout's `LocationSelector.TypeId.FirstRowOrColumn` (a const enum, so not importable
 * under isolated modules): the end of the top row. */
const BESIDE: LayoutManager.LocationSelector[] = [{ typeId: 3 as LayoutManager.LocationSelector.TypeId }];

interface Bound {
  type: string;
  id: string;
  element: HTMLElement;
  dispose: () => void;
}

export function createWorkspace(host: HTMLElement, renderPanel: RenderPanel): Workspace {
  const bound = new Map<ComponentContainer, Bound>();
  const [openPanels, setOpenPanels] = createSignal<ReadonlySet<string>>(new Set());
  const refreshOpen = () => setOpenPanels(new Set([...bound.values()].map((b) => b.type)));
  let hostRect: DOMRect = host.getBoundingClientRect();
  const changeListeners: (() => void)[] = [];
  const notifyChanged = (): void => {
    for (const listener of changeListeners) listener();
  };
  /** Per type, the panel that last had the focus: where "show this field" goes. */
  const lastUsed = new Map<string, ComponentContainer>();
  let lastPanelId = 0;

  const bind = (container: ComponentContainer, itemConfig: ResolvedComponentItemConfig): ComponentContainer.BindableComponent => {
    const type = String(ResolvedComponentItemConfig.resolveComponentTypeName(itemConfig) ?? 'unknown');
    const element = document.createElement('div');
    element.className = 'panel-frame';
    element.dataset.panel = type;
    // Named by its tab once golden-layout has made one (tab-keys.ts); until then by its title.
    element.setAttribute('role', 'region');
    element.setAttribute('aria-label', PANEL_TITLES[type as PanelType] ?? type);
    host.appendChild(element);
    const id = `p${++lastPanelId}`;
    element.dataset.panelId = id;
    // The panel's own state (panel-instance.ts): golden-layout asks for it when it saves the layout.
    const [state, setState] = createSignal<PanelState>(readPanelState(container.initialState));
    container.stateRequestEvent = () => state() as ReturnType<NonNullable<ComponentContainer['stateRequestEvent']>>;
    const panel: PanelInstance = {
      id,
      type,
      state,
      setState(patch) {
        const next = { ...state(), ...patch };
        if (Object.keys(next).every((k) => next[k] === state()[k]) && Object.keys(state()).length === Object.keys(next).length) return;
        setState(next);
        notifyChanged();
      },
      setTitle(title) {
        if (container.title !== title) container.setTitle(title);
      },
    };
    element.addEventListener('focusin', () => lastUsed.set(type, container));
    const dispose = renderPanel(type, element, panel);
    bound.set(container, { type, id, element, dispose });
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
    if (lastUsed.get(entry.type) === container) lastUsed.delete(entry.type);
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
      labelStackControls(host);
    });
  };
  // stateChanged is throttled by golden-layout; the active tab must be right at once for the keys.
  layout.on('activeContentItemChanged', relabel);
  layout.on('stateChanged', () => {
    relabel();
    notifyChanged();
  });
  const onKeyDown = (event: KeyboardEvent) => {
    if (onStackControlKey(event)) relabel();
    else onTabKey(event, (tab) => [...bound.keys()].find((container) => container.parent?.tab?.element === tab)?.parent);
  };
  host.addEventListener('keydown', onKeyDown);

  const idOf = (item: ComponentItem | undefined): string | null => {
    for (const [container, entry] of bound) if (container.parent === item) return entry.id;
    return null;
  };
  /** The panel of `type` used last, else the first one found. */
  const findItem = (type: string): ComponentItem | undefined => {
    const recent = lastUsed.get(type);
    if (recent && bound.has(recent)) return recent.parent;
    for (const [container, entry] of bound) if (entry.type === type) return container.parent;
    return undefined;
  };
  const bringForward = (item: ComponentItem | undefined): string | null => {
    const stack = item?.parent as (ContentItem & { setActiveComponentItem?: (i: ComponentItem, focus: boolean) => void }) | null;
    if (item && stack?.setActiveComponentItem) stack.setActiveComponentItem(item, true);
    return idOf(item);
  };
  const addPanel = (type: PanelType, beside = false): ComponentItem | undefined => {
    const before = new Set(bound.keys());
    // Another panel of a kind already open goes beside the others (a new column of the layout's
    // top row), so the two can be read side by side; a missing one goes where golden-layout finds room.
    if (beside) layout.addComponentAtLocation(type, undefined, PANEL_TITLES[type], BESIDE);
    else layout.addComponent(type, undefined, PANEL_TITLES[type]);
    const added = [...bound.keys()].find((container) => !before.has(container));
    if (added) lastUsed.set(type, added);
    return added?.parent;
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
      return bringForward(findItem(type) ?? addPanel(type));
    },
    add(type) {
      return bringForward(addPanel(type, true));
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
