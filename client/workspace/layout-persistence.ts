/**
 * The workspace layout is saved per user on the server (`PUT /api/layout`) a moment after each
 * change, and restored on the next visit. A layout that no longer loads (a panel type renamed in
 * a newer version) falls back to the default rather than leaving an empty screen.
 */
import type { LayoutConfig } from 'golden-layout';
import { defaultLayout, isPanelType } from './panel-types.ts';
import type { Workspace } from './workspace.ts';

/** Dragging a splitter fires many changes; one save after the hand stops is enough. */
export const LAYOUT_SAVE_DEBOUNCE_MS = 400;

/** True when every component in the saved layout is a panel this client knows. */
function knowsAllPanels(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return true;
  const item = node as { type?: unknown; componentType?: unknown; content?: unknown; root?: unknown };
  if (item.type === 'component' && !isPanelType(item.componentType)) return false;
  if (item.root !== undefined && !knowsAllPanels(item.root)) return false;
  return !Array.isArray(item.content) || item.content.every(knowsAllPanels);
}

/** Where a layout is kept: the server for people with an account, this browser for guests. */
export interface LayoutStore {
  get(): Promise<unknown>;
  /** `leaving`: the page is unloading; the write must not depend on the page staying. */
  put(layout: unknown, options?: { leaving?: boolean }): Promise<void>;
}

/** Guests (who came by a share link) have no account to save to: keep the layout in this browser. */
export function browserLayoutStore(storage: Pick<Storage, 'getItem' | 'setItem'>, key = 'boardroom.layout'): LayoutStore {
  return {
    async get() {
      return JSON.parse(storage.getItem(key) ?? 'null') as unknown;
    },
    async put(layout) {
      storage.setItem(key, JSON.stringify(layout));
    },
  };
}

/**
 * A layout sent while the page unloads (fetch keepalive) can reach the server after the next
 * page's `GET /api/layout` has been answered: a reload inside the save debounce would then show
 * the layout before the change. So the leaving save also keeps a copy in this tab's
 * sessionStorage; the next page of the tab prefers that copy, sends it again, and drops it once
 * the server has it. A later ordinary save drops it too (the server is then newer).
 */
export function withLeavingCopy(
  store: LayoutStore,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  key: string,
): LayoutStore {
  const copy = (): unknown => {
    try {
      return JSON.parse(storage.getItem(key) ?? 'null') as unknown;
    } catch {
      return null;
    }
  };
  return {
    async get() {
      const left = copy();
      if (left === null) return store.get();
      // Offline now: keep the copy for the next try, and show it all the same.
      await store.put(left).then(
        () => storage.removeItem(key),
        () => {},
      );
      return left;
    },
    async put(layout, options) {
      if (options?.leaving) {
        storage.setItem(key, JSON.stringify(layout));
        return store.put(layout, options);
      }
      await store.put(layout, options);
      storage.removeItem(key);
    },
  };
}

export interface LayoutPersistence {
  /** Loads the saved layout (or the default) into the workspace. */
  restore(): Promise<'saved' | 'default'>;
  /** Back to the default layout, saved at once. */
  reset(): Promise<void>;
  /** Resolves when no save is waiting or running (tests). */
  flush(): Promise<void>;
  /** The page is going away (pagehide): a save still waiting for its debounce is sent now, in a
   * form that outlives the page — a panel changed just before a reload is not lost. */
  leave(): void;
  destroy(): void;
}

export function createLayoutPersistence(store: LayoutStore, workspace: Workspace, onError: (message: string) => void): LayoutPersistence {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let restoring = false;
  let inflight: Promise<void> = Promise.resolve();

  const saveNow = (options?: { leaving?: boolean }): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const layout = workspace.save();
    // Leaving cannot wait for the previous save: the page may be gone before it answers.
    const after = options?.leaving ? Promise.resolve() : inflight;
    inflight = after
      .then(() => store.put(layout, options))
      .catch((e: unknown) => onError(`Could not save the layout: ${e instanceof Error ? e.message : String(e)}`));
    return inflight;
  };

  workspace.onChanged(() => {
    if (restoring) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void saveNow(), LAYOUT_SAVE_DEBOUNCE_MS);
  });

  const loadDefault = () => workspace.load(defaultLayout());

  return {
    async restore() {
      restoring = true;
      try {
        let saved: unknown = null;
        try {
          saved = await store.get();
        } catch (e) {
          onError(`Could not load your saved layout: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (saved && typeof saved === 'object' && knowsAllPanels(saved)) {
          try {
            workspace.load(saved as LayoutConfig);
            return 'saved';
          } catch (e) {
            console.warn('saved layout did not load; using the default', e);
          }
        }
        loadDefault();
        return 'default';
      } finally {
        restoring = false;
      }
    },
    async reset() {
      loadDefault();
      await saveNow();
    },
    async flush() {
      if (timer) await saveNow();
      await inflight;
    },
    leave() {
      if (timer) void saveNow({ leaving: true });
    },
    destroy() {
      if (timer) clearTimeout(timer);
    },
  };
}
