/**
 * The layout is saved a moment after each change (debounced); a change made just before the page
 * goes away (a reload, a closed tab) is sent on `pagehide` in a form that outlives the page, and
 * a page with nothing waiting sends nothing when it leaves.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLayoutPersistence, LAYOUT_SAVE_DEBOUNCE_MS, type LayoutStore } from '../client/workspace/layout-persistence.ts';
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
});
