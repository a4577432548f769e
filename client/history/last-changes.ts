/**
 * Who last changed each field, and when: read once (`GET …/history/last`), then kept current from
 * the server's `change` events, so the form's hover shows the person who just typed.
 */
import { createSignal, type Accessor } from 'solid-js';
import type { HistoryEvent, LastChange } from '../../shared/history-types.ts';
import type { HistoryApi } from './history-api.ts';

export type LastChanges = Readonly<Record<string, LastChange>>;

/** The map after a live event; the same map when the event says nothing newer. */
export function applyChangeEvent(map: LastChanges, event: HistoryEvent): LastChanges {
  if (event.type !== 'change' || event.action === 'retracted') return map;
  const { entry } = event;
  const at = event.action === 'closed' ? event.entry.at : entry.startedAt;
  const held = map[entry.path];
  if (held && Date.parse(held.at) > Date.parse(at)) return map;
  return { ...map, [entry.path]: { author: entry.author, at, source: entry.source } };
}

/** Loaded results merged with events that arrived meanwhile: the later time wins per path. */
export function mergeLastChanges(loaded: LastChanges, held: LastChanges): LastChanges {
  const out: Record<string, LastChange> = { ...loaded };
  for (const [path, change] of Object.entries(held)) {
    if (!out[path] || Date.parse(out[path].at) < Date.parse(change.at)) out[path] = change;
  }
  return out;
}

export interface LastChangeStore {
  all: Accessor<LastChanges>;
  apply(event: HistoryEvent): void;
  refresh(): Promise<void>;
}

export function createLastChangeStore(api: HistoryApi, configId: string, isDestroyed: () => boolean): LastChangeStore {
  const [all, setAll] = createSignal<LastChanges>({});
  return {
    all,
    apply(event) {
      const next = applyChangeEvent(all(), event);
      if (next !== all()) setAll(next);
    },
    async refresh() {
      try {
        const loaded = await api.lastChanges(configId);
        if (!isDestroyed()) setAll((held) => mergeLastChanges(loaded, held));
      } catch (error) {
        // The hover then shows nothing for fields not changed since; the form works on.
        console.warn('last changes unavailable', error);
      }
    },
  };
}
