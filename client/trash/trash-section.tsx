/**
 * Trash (in the Configurations panel): your deleted configurations, the day each is deleted for
 * good, and Restore, which brings one back whole (document, history, versions, comments, builds,
 * share links) and opens it.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { Api, TrashedConfig } from '../app/api.ts';

function day(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export interface TrashView {
  /** Reload the list (after a delete, or when opened). */
  refresh(): Promise<void>;
}

export function TrashSection(props: { api: Api; onRestored: (id: string) => void; ref?: (view: TrashView) => void }): JSX.Element {
  const [items, setItems] = createSignal<TrashedConfig[] | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const refresh = async () => {
    try {
      setItems(await props.api.listTrash());
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  props.ref?.({ refresh });
  const restore = async (item: TrashedConfig) => {
    setBusy(true);
    setError(null);
    try {
      await props.api.restoreConfig(item.id);
      await refresh();
      props.onRestored(item.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="trash" data-testid="trash" onToggle={(e) => e.currentTarget.open && void refresh()}>
      <summary>Trash{items()?.length ? ` (${items()!.length})` : ''}</summary>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <ul class="config-list" aria-label="Trash">
        <For each={items() ?? []} fallback={<li class="panel-empty">{items() ? 'The trash is empty.' : 'Loading…'}</li>}>
          {(item) => (
            <li class="config-item trash-item" data-trashed={item.id}>
              <span class="config-item-name">{item.name}</span>
              <span class="muted">deleted {day(item.deletedAt)} · gone for good {day(item.purgeAt)}</span>
              <button type="button" class="button button--small" aria-label={`Restore ${item.name}`} disabled={busy()} onClick={() => void restore(item)}>
                Restore
              </button>
            </li>
          )}
        </For>
      </ul>
    </details>
  );
}
