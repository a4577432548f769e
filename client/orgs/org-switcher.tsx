/**
 * The organisation switcher in the top bar: "Personal" and each of your organisations (with your
 * role), "New organisation…" (a small dialog), and the current organisation's page. The choice
 * filters the configuration list and is where new configurations go (workspace-choice.ts).
 */
import { createSignal, onMount, Show, type JSX } from 'solid-js';
import type { Api } from '../app/api.ts';
import { MenuButton, type MenuItem } from '../app/menu-button.tsx';
import { ModalDialog } from '../app/modal-dialog.tsx';
import { orgPath } from '../app/routes.ts';
import type { WorkspaceChoice } from './workspace-choice.ts';

const ROLE_NAMES = { owner: 'owner', admin: 'admin', member: 'member' } as const;
/** The server's limit (server/orgs/org-store.ts `ORG_NAME_MAX`). */
const ORG_NAME_MAX = 80;

export function OrgSwitcher(props: { api: Api; workspace: WorkspaceChoice; navigate: (path: string) => void }): JSX.Element {
  const [creating, setCreating] = createSignal(false);
  onMount(() => void props.workspace.refresh().catch(() => undefined));
  const label = () => props.workspace.currentOrg()?.name ?? 'Personal';
  const items = (): MenuItem[] => [
    { label: 'Personal', checked: props.workspace.current() === null, onSelect: () => props.workspace.choose(null) },
    ...props.workspace.orgs().map((o) => ({ label: `${o.name} (${ROLE_NAMES[o.role]})`, checked: props.workspace.current() === o.id, onSelect: () => props.workspace.choose(o.id) })),
    { label: 'New organisation…', onSelect: () => setCreating(true) },
  ];
  return (
    <span class="org-switcher" data-testid="org-switcher">
      <MenuButton label={<span title="Workspace: which configurations you see, and where new ones go">{label()} ▾</span>} items={items()} testId="workspace-menu" />
      <Show when={props.workspace.currentOrg()}>
        {(org) => (
          <a
            class="link"
            href={orgPath(org().id)}
            data-testid="org-page-link"
            onClick={(event) => {
              event.preventDefault();
              props.navigate(orgPath(org().id));
            }}
          >
            Organisation
          </a>
        )}
      </Show>
      <Show when={creating()}>
        <NewOrgDialog
          api={props.api}
          onClose={() => setCreating(false)}
          onCreated={async (id) => {
            setCreating(false);
            await props.workspace.refresh();
            props.workspace.choose(id);
          }}
        />
      </Show>
    </span>
  );
}

function NewOrgDialog(props: { api: Api; onClose: () => void; onCreated: (id: string) => Promise<void> }): JSX.Element {
  const [name, setName] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!name().trim()) return;
    setBusy(true);
    setError(null);
    try {
      const org = await props.api.orgs.create(name().trim());
      await props.onCreated(org.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ModalDialog title="New organisation" subtitle={<p class="muted">You become its owner; invite people from its page.</p>} onClose={props.onClose} testId="new-org-dialog">
      <form class="share-form" onSubmit={(e) => void submit(e)}>
        <label class="share-field share-field--grow">
          <span>Name</span>
          <input class="input" type="text" value={name()} maxLength={ORG_NAME_MAX} required onInput={(e) => setName(e.currentTarget.value)} ref={(el) => queueMicrotask(() => el.focus())} data-testid="new-org-name" />
        </label>
        <button type="submit" class="button button--primary" disabled={busy() || !name().trim()} data-testid="create-org">
          {busy() ? 'Creating…' : 'Create'}
        </button>
      </form>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
    </ModalDialog>
  );
}
