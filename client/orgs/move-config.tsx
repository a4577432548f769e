/**
 * "Move to…" in the configuration's menu (owners): the organisations you may create in, and
 * Personal. The server decides again (taking it out of an organisation needs an admin there).
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { Api } from '../app/api.ts';
import type { WorkspaceChoice } from './workspace-choice.ts';

export function MoveConfig(props: { api: Api; configId: string; orgId: string | null; workspace: WorkspaceChoice; onMoved: () => void }): JSX.Element {
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const move = async (to: string) => {
    setBusy(true);
    setError(null);
    try {
      await props.api.orgs.moveConfig(props.configId, to === 'personal' ? null : to);
      props.onMoved();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="config-move">
      <select class="input" aria-label="Move to…" disabled={busy()} data-testid="move-config" value="" onChange={(e) => void move(e.currentTarget.value)}>
        <option value="" disabled>
          Move to…
        </option>
        <Show when={props.orgId !== null}>
          <option value="personal">Personal</option>
        </Show>
        <For each={props.workspace.orgs().filter((o) => o.id !== props.orgId)}>{(o) => <option value={o.id}>{o.name}</option>}</For>
      </select>
      <Show when={error()}>
        <span class="field-issue field-issue--error" role="alert">
          {error()}
        </span>
      </Show>
    </span>
  );
}
