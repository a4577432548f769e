/**
 * Deleting the open configuration (owners): asks once more, says where it goes (the trash, for
 * the retention period) and leaves the configuration once it is gone.
 */
import { createSignal, Show, type JSX } from 'solid-js';

export function DeleteConfig(props: { name: string; onDelete: () => Promise<void> }): JSX.Element {
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onDelete();
      setConfirming(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="config-delete">
      <Show
        when={confirming()}
        fallback={
          <button type="button" class="link-button" aria-label={`Delete ${props.name}`} onClick={() => setConfirming(true)}>
            Delete…
          </button>
        }
      >
        <span class="confirm" role="group" aria-label={`Delete ${props.name}?`} data-testid="confirm-delete">
          <span class="muted">Move to the trash? Everyone loses access; you can restore it from Trash.</span>
          <button type="button" class="button button--small button--danger" disabled={busy()} onClick={() => void remove()} ref={(el) => queueMicrotask(() => el.focus())}>
            Move to trash
          </button>
          <button type="button" class="button button--small" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </span>
      </Show>
      <Show when={error()}>
        <span class="field-issue field-issue--error" role="alert">
          {error()}
        </span>
      </Show>
    </span>
  );
}
