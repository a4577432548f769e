/**
 * Who has access to an organisation's configuration and why (`GET /api/configs/:id/access`):
 * each person's effective role with every grant that gives it — "direct", "via team kernel",
 * "organisation admin" — and the teams holding a role here. The owner removes a direct grant or
 * a team's role right in the list, and gives a team of the organisation a role. A personal
 * configuration has no teams or organisation: the section stays out of the way.
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { ROLES, type Role } from '../../shared/roles.ts';
import type { AccessApi, AccessOverview, AccessSource } from '../app/access-api.ts';
import { ROLE_WORDS } from './role-words.ts';

const ORG_ROLE_WORDS = { owner: 'owner', admin: 'admin', member: 'member' } as const;

/** How a source reads next to a person ("via team kernel: Editor"). */
export function sourceWords(s: AccessSource): string {
  switch (s.kind) {
    case 'owner':
      return 'owns it';
    case 'direct':
      return `direct: ${ROLE_WORDS[s.role].name}`;
    case 'team':
      return `via team ${s.teamName}: ${ROLE_WORDS[s.role].name}`;
    case 'organisation':
      return `organisation ${ORG_ROLE_WORDS[s.orgRole]}: ${ROLE_WORDS[s.role].name}`;
  }
}

export function AccessSourcesSection(props: { api: AccessApi; configId: string; revision: () => number; onChanged: () => void }): JSX.Element {
  const [overview] = createResource(
    () => [props.configId, props.revision()] as const,
    ([id]) => props.api.access(id),
  );
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [team, setTeam] = createSignal('');
  const [role, setRole] = createSignal<Role>('viewer');

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      // Reloads this list and the People list (both follow the revision).
      props.onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const grant = (event: Event) => {
    event.preventDefault();
    const teamId = team() || overview()?.orgTeams[0]?.id;
    if (teamId) void run(() => props.api.setTeamRole(props.configId, teamId, role()));
  };
  const withOrg = () => {
    const o = overview();
    return o && o.orgId ? o : null;
  };

  return (
    <Show when={withOrg()}>
      {(o: () => AccessOverview) => (
        <section class="share-section" aria-labelledby="share-sources">
          <h3 id="share-sources" class="subhead">
            Where access comes from
          </h3>
          <Show when={error()}>
            <p class="field-issue field-issue--error" role="alert">
              {error()}
            </p>
          </Show>
          <ul class="share-list" aria-label="Access and its sources" data-testid="access-sources">
            <For each={o().people}>
              {(p) => (
                <li class="share-row" data-person={p.email}>
                  <span class="share-row-main">
                    <span class="share-row-title">{p.name}</span>
                    <span class="muted">{p.email}</span>
                    <span class="access-sources">
                      <For each={p.sources}>
                        {(s) => (
                          <span class="access-source" data-source={s.kind}>
                            {sourceWords(s)}
                            <Show when={s.kind === 'direct'}>
                              <button
                                type="button"
                                class="access-source-remove"
                                aria-label={`Remove the direct grant of ${p.name}`}
                                disabled={busy()}
                                onClick={() => void run(() => props.api.removeMember(props.configId, p.userId))}
                              >
                                ×
                              </button>
                            </Show>
                            <Show when={s.kind === 'team' ? s : null}>
                              {(t) => (
                                <button
                                  type="button"
                                  class="access-source-remove"
                                  aria-label={`Remove the role of team ${t().teamName}`}
                                  disabled={busy()}
                                  onClick={() => void run(() => props.api.removeTeamRole(props.configId, t().teamId))}
                                >
                                  ×
                                </button>
                              )}
                            </Show>
                          </span>
                        )}
                      </For>
                    </span>
                  </span>
                  <span class="badge" data-testid="effective-role" title={ROLE_WORDS[p.role].can}>
                    {ROLE_WORDS[p.role].name}
                  </span>
                </li>
              )}
            </For>
          </ul>
          <h4 class="access-teams-title">Teams</h4>
          <ul class="share-list" aria-label="Teams with a role" data-testid="team-grants">
            <For each={o().teams} fallback={<li class="share-empty muted">No team has a role on this configuration.</li>}>
              {(t) => (
                <li class="share-row" data-team={t.teamName}>
                  <span class="share-row-main">
                    <span class="share-row-title">Team {t.teamName}</span>
                    <span class="muted">{t.members === 1 ? '1 member' : `${t.members} members`}</span>
                  </span>
                  <select
                    class="input share-role"
                    aria-label={`Role of team ${t.teamName}`}
                    value={t.role}
                    disabled={busy()}
                    onChange={(e) => void run(() => props.api.setTeamRole(props.configId, t.teamId, e.currentTarget.value as Role))}
                  >
                    <For each={ROLES}>{(r) => <option value={r}>{ROLE_WORDS[r].name}</option>}</For>
                  </select>
                  <button type="button" class="button button--small" aria-label={`Remove team ${t.teamName}`} disabled={busy()} onClick={() => void run(() => props.api.removeTeamRole(props.configId, t.teamId))}>
                    Remove
                  </button>
                </li>
              )}
            </For>
          </ul>
          <Show when={o().orgTeams.length > 0} fallback={<p class="muted share-empty">The organisation has no teams yet; its admins make them on the organisation page.</p>}>
            <form class="share-form" onSubmit={grant}>
              <label class="share-field share-field--grow">
                <span>Give a team a role</span>
                <select class="input" aria-label="Team" value={team() || o().orgTeams[0].id} onChange={(e) => setTeam(e.currentTarget.value)}>
                  <For each={o().orgTeams}>{(t) => <option value={t.id}>{t.name}</option>}</For>
                </select>
              </label>
              <label class="share-field">
                <span>Role</span>
                <select class="input" aria-label="Team role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                  <For each={ROLES}>{(r) => <option value={r}>{ROLE_WORDS[r].name}</option>}</For>
                </select>
              </label>
              <button class="button button--primary" type="submit" disabled={busy()}>
                Give role
              </button>
            </form>
          </Show>
        </section>
      )}
    </Show>
  );
}
