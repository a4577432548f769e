/**
 * Field-level subscriptions to a configuration document: one subscription per JSON Pointer.
 *
 * The form binds every field to its pointer (`/BOARD`, `/extraPackages`, `/extraPackages/2`). A
 * Yjs transaction notifies only the pointers whose JSON value actually changed, so a remote edit
 * of the branch re-renders the branch field and nothing else. Plain TypeScript (no solid-js): the
 * UI wraps each subscription in a signal, and tests drive it with real Y.Docs in Node.
 */
import * as Y from 'yjs';
import { configMap } from '../../shared/doc-binding.ts';
import { jsonEqual } from '../../shared/doc-diff.ts';
import { parsePointer, valueAt } from '../../shared/json-pointer.ts';

export type Listener = (value: unknown) => void;

export interface FieldStore {
  /** The current JSON value at `pointer` (undefined when unset). */
  get(pointer: string): unknown;
  /** Calls `listener` with the new value whenever the value at `pointer` changes. */
  subscribe(pointer: string, listener: Listener): () => void;
  /** Called once per transaction that changed the configuration, with the top-level keys touched. */
  onChange(listener: (keys: ReadonlySet<string>, transaction: Y.Transaction) => void): () => void;
  /** The whole configuration as JSON (cached per top-level key, cheap to call repeatedly). */
  snapshot(): Record<string, unknown>;
  destroy(): void;
}

function toJson(value: unknown): unknown {
  return value instanceof Y.AbstractType ? value.toJSON() : value;
}

interface Subscription {
  segments: string[];
  last: unknown;
  listeners: Set<Listener>;
}

export function createFieldStore(doc: Y.Doc): FieldStore {
  const map = configMap(doc);
  /** JSON of each top-level property, refreshed only for the keys a transaction touches. */
  const cache = new Map<string, unknown>();
  for (const [key, value] of map.entries()) cache.set(key, toJson(value));
  /** Subscriptions grouped by their top-level key, so a change visits only its own fields. */
  const byKey = new Map<string, Map<string, Subscription>>();
  const changeListeners = new Set<(keys: ReadonlySet<string>, transaction: Y.Transaction) => void>();
  let snapshot: Record<string, unknown> | null = null;

  const read = (segments: readonly string[]): unknown =>
    segments.length === 0 ? Object.fromEntries(cache) : valueAt(cache.get(segments[0]), segments.slice(1));

  const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction): void => {
    const keys = new Set<string>();
    for (const event of events) {
      if (event.target === map) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) keys.add(key);
      else if (typeof event.path[0] === 'string') keys.add(event.path[0]);
    }
    if (keys.size === 0) return;
    for (const key of keys) {
      if (map.has(key)) cache.set(key, toJson(map.get(key)));
      else cache.delete(key);
    }
    snapshot = null;
    for (const key of keys) {
      const subs = byKey.get(key);
      if (!subs) continue;
      for (const sub of subs.values()) {
        const next = read(sub.segments);
        if (jsonEqual(next, sub.last)) continue;
        sub.last = next;
        for (const listener of [...sub.listeners]) listener(next);
      }
    }
    for (const listener of [...changeListeners]) listener(keys, transaction);
  };
  map.observeDeep(observer);

  return {
    get(pointer) {
      return read(parsePointer(pointer));
    },
    subscribe(pointer, listener) {
      const segments = parsePointer(pointer);
      if (segments.length === 0) throw new TypeError('subscribe to a field, not the whole document');
      let subs = byKey.get(segments[0]);
      if (!subs) byKey.set(segments[0], (subs = new Map()));
      let sub = subs.get(pointer);
      if (!sub) subs.set(pointer, (sub = { segments, last: read(segments), listeners: new Set() }));
      sub.listeners.add(listener);
      const owner = sub;
      return () => {
        owner.listeners.delete(listener);
        if (owner.listeners.size === 0) subs.delete(pointer);
      };
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    snapshot() {
      return (snapshot ??= Object.fromEntries(cache));
    },
    destroy() {
      map.unobserveDeep(observer);
      byKey.clear();
      changeListeners.clear();
    },
  };
}
