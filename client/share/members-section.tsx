/**
 * People with access: the owner, members (change role, remove) and invitations to emails that
 * have no account yet (they join with that role when they sign up). Invite by email and role.
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import type { Role } from '../../shared/roles.ts';
import type { AccessApi, Member } from '../app/access-api.ts';
import { GRANTABLE_ROLES, ROLE_WORDS } from './role-words.ts';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function MembersSection(props: { api: AccessApi; configId: string; selfId: string | null }): JSX.Element {
  const [members, { refetch }] = createResource(() => props.configId, (id) => props.api.members(id));
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<Role>('editor');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      await refetch();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const invite = async (event: Event) => {
    event.preventDefault();
    const address = email().trim();
    if (!address) return;
    if (await run(() => props.api.invite(props.configId, address, role()))) setEmail('');
  };
  // Invitations are keyed by email: inviting again with another role changes it.
  const changeRole = (m: Member, next: Role) =>
    run(() => (m.pending || !m.userId ? props.api.invite(props.configId, m.email, next) : props.api.setMemberRole(props.configId, m.userId, next)));
  const remove = (m: Member) => run(() => props.api.removeMember(props.configId, m.userId ?? m.email));

  return (
    <section class="share-section" aria-labelledby="share-people">
      <h3 id="share-people" class="subhead">
        People
      </h3>
      <form class="share-form" onSubmit={(e) => void invite(e)}>
        <label class="share-field share-field--grow">
          <span>Invite by email</span>
          <input class="input" type="email" required placeholder="name@example.com" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="share-field">
          <span>Role</span>
          <select class="input" aria-label="Role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <For each={GRANTABLE_ROLES}>{(r) => <option value={r}>{ROLE_WORDS[r].name}</option>}</For>
          </select>
        </label>
        <button class="button button--primary" type="submit" disabled={busy() || email().trim() === ''}>
          Invite
        </button>
      </form>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={members.error}>
        <p class="field-issue field-issue--error" role="alert">
          The people with access could not be loaded: {errorText(members.error)}
        </p>
      </Show>
      <ul class="share-list" aria-label="People with access" data-testid="members">
        <For each={members() ?? []}>
          {(m) => {
            const who = () => m.name ?? m.email;
            return (
              <li class="share-row" data-member={m.email}>
                <span class="share-row-main">
                  <span class="share-row-title">
                    {who()}
                    {m.userId !== null && m.userId === props.selfId ? ' (you)' : ''}
                  </span>
                  <span class="muted">{m.pending ? `${m.email} · invited, no account yet` : m.email}</span>
                </span>
                <Show
                  when={m.role !== 'owner'}
                  fallback={
                    <span class="badge" title={ROLE_WORDS.owner.can}>
                      Owner
                    </span>
                  }
                >
                  <select
                    class="input share-role"
                    aria-label={`Role of ${who()}`}
                    value={m.role}
                    disabled={busy()}
                    onChange={(e) => void changeRole(m, e.currentTarget.value as Role)}
                  >
                    <For each={GRANTABLE_ROLES}>{(r) => <option value={r}>{ROLE_WORDS[r].name}</option>}</For>
                  </select>
                  <button type="button" class="button button--small" aria-label={`Remove ${who()}`} disabled={busy()} onClick={() => void remove(m)}>
                    Remove
                  </button>
                </Show>
              </li>
            );
          }}
        </For>
      </ul>
    </section>
  );
}
