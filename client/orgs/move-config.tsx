/**
 * "Move to…" beside the open configuration (owners): into one of your organisations, between
 * them, or back to Personal. It asks once more, saying what moves with it and who gains access;
 * the server decides again (creating in the target needs that organisation's permission, taking
 * it out of one needs an admin there) and its refusal is said in place.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import type { Api } from '../app/api.ts';
import { ConfirmButton } from '../app/confirm-button.tsx';
import type { WorkspaceChoice } from './workspace-choice.ts';

const PERSONAL = 'personal';

export interface MoveConfigProps {
  api: Api;
  configId: string;
  name: string;
  /** Where it is now; null: Personal. */
  orgId: string | null;
  workspace: WorkspaceChoice;
  /** After the move, with where it went (null: Personal) and that place's name. */
  onMoved: (to: string | null, toName: string) => void;
}

export function MoveConfig(props: MoveConfigProps): JSX.Element {
  const destinations = () => [
    ...(props.orgId !== null ? [{ id: PERSONAL, name: 'Personal' }] : []),
    ...props.workspace
      .orgs()
      .filter((o) => o.id !== props.orgId)
      .map((o) => ({ id: o.id, name: o.name })),
  ];
  const [chosen, setChosen] = createSignal<string | null>(null);
  const target = () => destinations().find((d) => d.id === chosen()) ?? destinations()[0];
  const move = async () => {
    const to = target();
    if (!to) return;
    const orgId = to.id === PERSONAL ? null : to.id;
    await props.api.orgs.moveConfig(props.configId, orgId);
    props.onMoved(orgId, to.name);
  };
  return (
    <Show when={destinations().length > 0}>
      <span class="config-move">
        <ConfirmButton
          label="Move to…"
          labelFor={`Move ${props.name} to…`}
          triggerClass="link-button"
          question={`Move ${props.name} to another workspace?`}
          note={
            target()?.id === PERSONAL
              ? 'Its history, comments, builds and links go with it; the organisation’s members and teams lose the access it gave them.'
              : 'Its history, comments, builds and links go with it; the organisation’s members and teams get access by its policies.'
          }
          action="Move"
          busyAction="Moving…"
          actionClass="button button--small button--primary"
          keep="Cancel"
          testId="confirm-move"
          onConfirm={move}
        >
          <select class="input share-role" aria-label="Move to" data-testid="move-config" value={target()?.id} onChange={(e) => setChosen(e.currentTarget.value)}>
            <For each={destinations()}>{(d) => <option value={d.id}>{d.name}</option>}</For>
          </select>
        </ConfirmButton>
      </span>
    </Show>
  );
}
