/**
 * People with access: the owner, members (change role, remove) and pending invitations (revoke).
 * Inviting makes a one-time link: e-mailed when the server sends mail, otherwise shown here once
 * to copy and pass on. Whoever opens it signed in becomes a member; signing up with the invited
 * address alone gives nothing.
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import type { Role } from '../../shared/roles.ts';
import type { AccessApi, CreatedInvitation, Member } from '../app/access-api.ts';
import { CopyButton } from '../app/copy-button.tsx';
import { GRANTABLE_ROLES, ROLE_WORDS } from './role-words.ts';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function MembersSection(props: {
  api: AccessApi;
  configId: string;
  selfId: string | null;
  /** Bumped when another section changed grants (a direct grant removed from the sources list). */
  revision?: () => number;
  onChanged?: () => void;
}): JSX.Element {
  const [members, { refetch }] = createResource(
    () => [props.configId, props.revision?.() ?? 0] as const,
    ([id]) => props.api.members(id),
  );
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<Role>('editor');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [created, setCreated] = createSignal<CreatedInvitation | null>(null);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      // Announcing the change reloads this list too (its source is the revision).
      if (props.onChanged) props.onChanged();
      else await refetch();
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
    if (await run(async () => setCreated(await props.api.invite(props.configId, address, role())))) setEmail('');
  };
  // A pending invitation's role changes by inviting again: a new link, the old one stops working.
  const changeRole = (m: Member, next: Role) =>
    run(async () => {
      if (m.pending || !m.userId) setCreated(await props.api.invite(props.configId, m.email, next));
      else await props.api.setMemberRole(props.configId, m.userId, next);
    });
  const remove = (m: Member) =>
    run(() => (m.pending && m.invitationId ? props.api.revokeInvitation(props.configId, m.invitationId) : props.api.removeMember(props.configId, m.userId!)));
  const pendingText = (m: Member) =>
    m.expired ? `${m.email} · invitation expired` : `${m.email} · invited${m.expiresAt ? `, link works until ${new Date(m.expiresAt).toLocaleDateString()}` : ''}`;

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
      <Show when={created()}>
        {(inv) => (
          <div class="new-link" role="status" data-testid="new-invitation">
            <Show
              when={inv().url}
              fallback={
                <p class="new-link-note">
                  An invitation link was e-mailed to <strong>{inv().email}</strong>. It works once, until {new Date(inv().expiresAt).toLocaleDateString()}.
                </p>
              }
            >
              {(url) => (
                <>
                  <p class="new-link-note">
                    <Show when={inv().mailError}>{inv().mailError}. </Show>
                    <strong>Send this link to {inv().email}:</strong> it is shown only this once. Whoever opens it first, signed in, joins as{' '}
                    {ROLE_WORDS[inv().role].name.toLowerCase()}; it stops working after that, when you revoke it, or on {new Date(inv().expiresAt).toLocaleDateString()}.
                  </p>
                  <div class="new-link-row">
                    <input class="input mono" readOnly value={url()} aria-label="Invitation link" data-testid="invitation-url" onFocus={(e) => e.currentTarget.select()} />
                    <CopyButton value={url()} what="invitation link" class="button button--primary" />
                  </div>
                </>
              )}
            </Show>
            <button type="button" class="button button--small" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        )}
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
                  <span class="muted">{m.pending ? pendingText(m) : m.email}</span>
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
                  <button type="button" class="button button--small" aria-label={`${m.pending ? 'Revoke the invitation of' : 'Remove'} ${who()}`} disabled={busy()} onClick={() => void remove(m)}>
                    {m.pending ? 'Revoke' : 'Remove'}
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
