/**
 * Teams of the organisation (server/teams/): every member sees them with their members and
 * default role; admins create, rename and delete teams, choose their members among the
 * organisation's, and set the role a team gets on each new configuration (optionally on the
 * existing ones too). The server decides every change again.
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { orgCan } from '../../shared/org-roles.ts';
import { ROLES, type Role } from '../../shared/roles.ts';
import { ConfirmButton } from '../app/confirm-button.tsx';
import { ROLE_WORDS } from '../share/role-words.ts';
import type { OrgSectionProps } from './org-sections.tsx';
import type { Team } from './orgs-api.ts';

const NO_ROLE = '';

export function TeamsSection(props: OrgSectionProps): JSX.Element {
  const orgs = () => props.api.orgs;
  const manage = () => orgCan(props.org.role, 'manageTeams');
  const [teams, { refetch }] = createResource(
    () => props.org.id,
    (id) => orgs().teams(id),
  );
  // The organisation's members are whom a team may take (the picker offers those not in it).
  const [people] = createResource(
    () => (manage() ? props.org.id : null),
    (id) => orgs().members(id),
  );
  const [name, setName] = createSignal('');
  const [defaultRole, setDefaultRole] = createSignal<string>(NO_ROLE);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await action();
      await refetch();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const create = async (event: Event) => {
    event.preventDefault();
    const n = name().trim();
    if (!n) return;
    if (await run(() => orgs().createTeam(props.org.id, { name: n, defaultRole: (defaultRole() || null) as Role | null }))) setName('');
  };

  return (
    <section class="org-section" aria-labelledby="org-teams">
      <h2 id="org-teams">Teams</h2>
      <p class="muted">A team can be given a role on a configuration, or on every new configuration of the organisation (its default role).</p>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={notice()}>
        <p class="muted" role="status">
          {notice()}
        </p>
      </Show>
      <Show when={teams.error}>
        <p class="field-issue field-issue--error" role="alert">
          The teams could not be loaded.
        </p>
      </Show>
      <ul class="team-list" aria-label="Teams" data-testid="teams">
        <For each={teams() ?? []} fallback={<li class="muted">No teams yet.</li>}>
          {(team) => (
            <TeamCard
              team={team}
              manage={manage()}
              busy={busy()}
              candidates={people() ?? []}
              onRename={(next) => run(() => orgs().updateTeam(props.org.id, team.id, { name: next }))}
              onDefaultRole={(role, applyToExisting) =>
                run(async () => {
                  const done = await orgs().updateTeam(props.org.id, team.id, { defaultRole: role, applyToExisting });
                  if (applyToExisting && done.appliedTo !== undefined)
                    setNotice(`Team ${team.name} was given ${role ? ROLE_WORDS[role].name.toLowerCase() : 'no role'} on ${done.appliedTo} more configuration${done.appliedTo === 1 ? '' : 's'}.`);
                })
              }
              onDelete={() => run(() => orgs().deleteTeam(props.org.id, team.id))}
              onAdd={(userId) => run(() => orgs().addTeamMember(props.org.id, team.id, userId))}
              onRemove={(userId) => run(() => orgs().removeTeamMember(props.org.id, team.id, userId))}
            />
          )}
        </For>
      </ul>
      <Show when={manage()}>
        <form class="share-form team-new" onSubmit={(e) => void create(e)}>
          <label class="share-field share-field--grow">
            <span>New team</span>
            <input class="input" placeholder="kernel" maxLength={60} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label class="share-field">
            <span>Default role</span>
            <select class="input" aria-label="Default role of the new team" value={defaultRole()} onChange={(e) => setDefaultRole(e.currentTarget.value)}>
              <RoleOptions />
            </select>
          </label>
          <button class="button button--primary" type="submit" disabled={busy() || name().trim() === ''}>
            Create team
          </button>
        </form>
      </Show>
    </section>
  );
}

function RoleOptions(): JSX.Element {
  return (
    <>
      <option value={NO_ROLE}>None</option>
      <For each={ROLES}>{(r) => <option value={r}>{ROLE_WORDS[r].name}</option>}</For>
    </>
  );
}

function TeamCard(props: {
  team: Team;
  manage: boolean;
  busy: boolean;
  candidates: Array<{ userId: string; name: string; email: string }>;
  onRename: (name: string) => Promise<boolean>;
  onDefaultRole: (role: Role | null, applyToExisting: boolean) => Promise<unknown>;
  onDelete: () => Promise<unknown>;
  onAdd: (userId: string) => Promise<unknown>;
  onRemove: (userId: string) => Promise<unknown>;
}): JSX.Element {
  const [renaming, setRenaming] = createSignal(false);
  const [draft, setDraft] = createSignal(props.team.name);
  const [adding, setAdding] = createSignal('');
  const [applyToExisting, setApplyToExisting] = createSignal(false);
  const outside = () => props.candidates.filter((c) => !props.team.members.some((m) => m.userId === c.userId));
  const rename = async (event: Event) => {
    event.preventDefault();
    if (await props.onRename(draft().trim())) setRenaming(false);
  };

  return (
    <li class="team-card" data-team={props.team.name}>
      <div class="team-head">
        <Show
          when={renaming()}
          fallback={
            <h3 class="team-name">
              {props.team.name}
              <span class="muted team-count">
                {' '}
                · {props.team.members.length === 1 ? '1 member' : `${props.team.members.length} members`}
              </span>
            </h3>
          }
        >
          <form class="team-rename" onSubmit={(e) => void rename(e)}>
            <input class="input" aria-label={`New name of team ${props.team.name}`} maxLength={60} value={draft()} onInput={(e) => setDraft(e.currentTarget.value)} />
            <button class="button button--small button--primary" type="submit" disabled={props.busy || draft().trim() === ''}>
              Save
            </button>
            <button class="button button--small" type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        </Show>
        <Show when={props.manage && !renaming()}>
          <span class="team-actions">
            <button class="button button--small" type="button" onClick={() => setRenaming(true)}>
              Rename
            </button>
            <ConfirmButton
              label="Delete"
              labelFor={`Delete team ${props.team.name}`}
              triggerClass="button button--small button--danger"
              question={`Delete team ${props.team.name}?`}
              action="Delete team and its roles"
              disabled={props.busy}
              onConfirm={props.onDelete}
            />
          </span>
        </Show>
      </div>
      <div class="team-default">
        <Show when={props.manage} fallback={<span class="muted">Default role: {props.team.defaultRole ? ROLE_WORDS[props.team.defaultRole].name : 'none'}</span>}>
          <label class="share-field">
            <span>Default role on new configurations</span>
            <select
              class="input share-role"
              aria-label={`Default role of team ${props.team.name}`}
              value={props.team.defaultRole ?? NO_ROLE}
              disabled={props.busy}
              onChange={(e) => void props.onDefaultRole((e.currentTarget.value || null) as Role | null, applyToExisting())}
            >
              <RoleOptions />
            </select>
          </label>
          <label class="team-apply">
            <input type="checkbox" checked={applyToExisting()} onChange={(e) => setApplyToExisting(e.currentTarget.checked)} />
            also give it on existing configurations where the team has no role
          </label>
        </Show>
      </div>
      <ul class="share-list" aria-label={`Members of team ${props.team.name}`}>
        <For each={props.team.members} fallback={<li class="share-empty muted">Nobody in this team yet.</li>}>
          {(m) => (
            <li class="share-row">
              <span class="share-row-main">
                <span class="share-row-title">{m.name}</span>
                <span class="muted">{m.email}</span>
              </span>
              <Show when={props.manage}>
                <button class="button button--small" type="button" aria-label={`Remove ${m.name} from team ${props.team.name}`} disabled={props.busy} onClick={() => void props.onRemove(m.userId)}>
                  Remove
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.manage && outside().length > 0}>
        <form
          class="share-form"
          onSubmit={(e) => {
            e.preventDefault();
            const who = adding() || outside()[0]?.userId;
            if (who) void props.onAdd(who).then(() => setAdding(''));
          }}
        >
          <label class="share-field share-field--grow">
            <span>Add a member of the organisation</span>
            <select class="input" aria-label={`Person to add to team ${props.team.name}`} value={adding() || outside()[0]?.userId} onChange={(e) => setAdding(e.currentTarget.value)}>
              <For each={outside()}>{(c) => <option value={c.userId}>{`${c.name} (${c.email})`}</option>}</For>
            </select>
          </label>
          <button class="button button--small" type="submit" disabled={props.busy}>
            Add to team
          </button>
        </form>
      </Show>
    </li>
  );
}
