/**
 * The History panel's timeline: pages of the change log, newest first, with live entries merged
 * in. A burst of edits first arrives as "started" (who and where, no values yet) and is replaced
 * by its final entry when it closes (or removed, if it ended as no change); entries are ordered by their `seq` (the server's cursor).
 */
import { createSignal, type Accessor } from 'solid-js';
import type { ChangeView, HistoryEvent } from '../../shared/history-types.ts';
import type { HistoryApi } from './history-api.ts';

/** An edit still going on: who and where, values to follow. */
export type PendingChange = Pick<ChangeView, 'id' | 'seq' | 'path' | 'author' | 'source' | 'startedAt'> & { pending: true };
export type TimelineEntry = ChangeView | PendingChange;

export const isPending = (entry: TimelineEntry): entry is PendingChange => 'pending' in entry;

/** Entries per request: a screenful or two of the compact list. */
export const TIMELINE_PAGE_SIZE = 40;

/** Adds or replaces `entry` (by id). A "started" copy never replaces a final one. */
export function mergeEntry(list: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const index = list.findIndex((e) => e.id === entry.id);
  if (index !== -1 && isPending(entry) && !isPending(list[index])) return list as TimelineEntry[];
  const next = index === -1 ? [...list, entry] : list.map((e, i) => (i === index ? entry : e));
  return next.sort((a, b) => b.seq - a.seq);
}

/** The timeline entry a live event brings, if it belongs to the timeline filtered to `path`. */
export function entryOfEvent(event: HistoryEvent, path: string | null): TimelineEntry | null {
  if (event.type !== 'change' || event.action === 'retracted') return null;
  if (path !== null && event.entry.path !== path) return null;
  return event.action === 'closed' ? event.entry : { ...event.entry, pending: true };
}

export interface Timeline {
  entries: Accessor<TimelineEntry[]>;
  /** There are older entries to load. */
  hasMore: Accessor<boolean>;
  loading: Accessor<boolean>;
  error: Accessor<string | null>;
  loadMore(): Promise<void>;
  apply(event: HistoryEvent): void;
  reload(): Promise<void>;
}

export function createTimeline(api: HistoryApi, configId: string, path: string | null, isDisposed: () => boolean): Timeline {
  const [entries, setEntries] = createSignal<TimelineEntry[]>([]);
  const [next, setNext] = createSignal<number | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [started, setStarted] = createSignal(false);

  const load = async (before?: number): Promise<void> => {
    setLoading(true);
    try {
      const page = await api.changes(configId, { path: path ?? undefined, limit: TIMELINE_PAGE_SIZE, before });
      if (isDisposed()) return;
      setEntries((held) => page.entries.reduce(mergeEntry, before === undefined ? held.filter(isPending) : held));
      setNext(page.next);
      setError(null);
    } catch (e) {
      if (!isDisposed()) setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (!isDisposed()) {
        setLoading(false);
        setStarted(true);
      }
    }
  };

  return {
    entries,
    hasMore: () => started() && next() !== null,
    loading,
    error,
    loadMore: () => (next() === null ? Promise.resolve() : load(next()!)),
    apply(event) {
      if (event.type === 'change' && event.action === 'retracted') {
        // A burst that ended as no change: its "editing…" line goes.
        setEntries((list) => list.filter((e) => e.id !== event.id));
        return;
      }
      const entry = entryOfEvent(event, path);
      if (entry) setEntries((list) => mergeEntry(list, entry));
    },
    reload: () => load(),
  };
}
