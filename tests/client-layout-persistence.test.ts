/**
 * The layout is saved a moment after each change (debounced); a change made just before the page
 * goes away (a reload, a closed tab) is sent on `pagehide` in a form that outlives the page, and
 * a page with nothing waiting sends nothing when it leaves.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLayoutPersistence, LAYOUT_SAVE_DEBOUNCE_MS, withLeavingCopy, type LayoutStore } from '../client/workspace/layout-persistence.ts';
import type { Workspace } from '../client/workspace/workspace.ts';

function fakeWorkspace() {
  const listeners: Array<() => void> = [];
  let current = { panels: 1 };
  const workspace = {
    save: () => current,
    load: () => {},
    onChanged: (listener: () => void) => listeners.push(listener),
  } as unknown as Workspace;
  return {
    workspace,
    change(next: { panels: number }) {
      current = next;
      for (const l of listeners) l();
    },
  };
}

function recordingStore() {
  const puts: Array<{ layout: unknown; leaving: boolean }> = [];
  const store: LayoutStore = {
    get: async () => null,
    put: async (layout, options) => {
      puts.push({ layout, leaving: options?.leaving === true });
    },
  };
  return { store, puts };
}

afterEach(() => vi.useRealTimers());

describe('layout persistence', () => {
  it('saves once after the debounce, not per change', async () => {
    vi.useFakeTimers();
    const { workspace, change } = fakeWorkspace();
    const { store, puts } = recordingStore();
    createLayoutPersistence(store, workspace, () => {});
    change({ panels: 2 });
    change({ panels: 3 });
    expect(puts).toEqual([]);
    await vi.advanceTimersByTimeAsync(LAYOUT_SAVE_DEBOUNCE_MS);
    expect(puts).toEqual([{ layout: { panels: 3 }, leaving: false }]);
  });

  it('sends a change still waiting for its debounce when the page leaves, marked as leaving', async () => {
    vi.useFakeTimers();
    const { workspace, change } = fakeWorkspace();
    const { store, puts } = recordingStore();
    const persistence = createLayoutPersistence(store, workspace, () => {});
    change({ panels: 2 });
    persistence.leave();
    await vi.advanceTimersByTimeAsync(0);
    expect(puts).toEqual([{ layout: { panels: 2 }, leaving: true }]);
    // The debounced save it replaced does not follow.
    await vi.advanceTimersByTimeAsync(LAYOUT_SAVE_DEBOUNCE_MS * 2);
    expect(puts).toHaveLength(1);
  });

  it('sends nothing on leaving when every change is saved', async () => {
    vi.useFakeTimers();
    const { workspace, change } = fakeWorkspace();
    const { store, puts } = recordingStore();
    const persistence = createLayoutPersistence(store, workspace, () => {});
    change({ panels: 2 });
    await vi.advanceTimersByTimeAsync(LAYOUT_SAVE_DEBOUNCE_MS);
    persistence.leave();
    await vi.advanceTimersByTimeAsync(0);
    expect(puts).toEqual([{ layout: { panels: 2 }, leaving: false }]);
  });

  describe('a layout sent while leaving', () => {
    function memoryStorage() {
      const items = new Map<string, string>();
      return {
        items,
        getItem: (k: string) => items.get(k) ?? null,
        setItem: (k: string, v: string) => void items.set(k, v),
        removeItem: (k: string) => void items.delete(k),
      };
    }
    /** A server whose keepalive PUT arrives late: leaving puts are held until `deliver()`. */
    function lateServer() {
      let stored: unknown = { panels: 1 };
      const held: unknown[] = [];
      const store: LayoutStore = {
        get: async () => stored,
        put: async (layout, options) => {
          if (options?.leaving) held.push(layout);
          else stored = layout;
        },
      };
      return { store, deliver: () => (stored = held.shift() ?? stored), stored: () => stored };
    }

    it('is what the next page shows even when the keepalive PUT lands after its GET, and is sent again', async () => {
      const storage = memoryStorage();
      const server = lateServer();
      const leaving = withLeavingCopy(server.store, storage, 'k');
      await leaving.put({ panels: 2 }, { leaving: true });
      // The new page loads before the server has the change.
      const next = withLeavingCopy(server.store, storage, 'k');
      expect(await next.get()).toEqual({ panels: 2 });
      expect(server.stored()).toEqual({ panels: 2 });
      expect(storage.items.size).toBe(0);
      // The late keepalive lands afterwards with the same layout: nothing goes back.
      server.deliver();
      expect(await next.get()).toEqual({ panels: 2 });
    });

    it('gives way to a later ordinary save', async () => {
      const storage = memoryStorage();
      const server = lateServer();
      const store = withLeavingCopy(server.store, storage, 'k');
      await store.put({ panels: 2 }, { leaving: true });
      await store.put({ panels: 5 });
      expect(storage.items.size).toBe(0);
      expect(await store.get()).toEqual({ panels: 5 });
    });

    it('keeps the copy while the server cannot be reached, and still shows it', async () => {
      const storage = memoryStorage();
      const offline: LayoutStore = {
        get: async () => {
          throw new Error('offline');
        },
        put: async () => {
          throw new Error('offline');
        },
      };
      storage.setItem('k', JSON.stringify({ panels: 4 }));
      expect(await withLeavingCopy(offline, storage, 'k').get()).toEqual({ panels: 4 });
      expect(storage.getItem('k')).toBe(JSON.stringify({ panels: 4 }));
    });
  });
});
