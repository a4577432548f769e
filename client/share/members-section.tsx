/**
 * People with access: the owner, members (change role, remove) and pending invitations (revoke).
 * Inviting makes a one-time link: e-mailed when the server sends mail, otherwise shown here once
 * to copy and pass on. Whoever opens it signed in becomes a member; signing up with the invited
 * address alone gives nothing. The pieces are people-list.tsx's, shared with organisations.
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import type { Role } from '../../shared/roles.ts';
import type { AccessApi, CreatedInvitation, Member } from '../app/access-api.ts';
import { errorText } from '../app/confirm-button.tsx';
import { InviteForm, NewInvitation, PersonRow, type RoleNames } from './people-list.tsx';
import { GRANTABLE_ROLES, ROLE_WORDS } from './role-words.ts';

const CONFIG_ROLES: RoleNames<Role> = { roles: GRANTABLE_ROLES, name: (r) => ROLE_WORDS[r].name };

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
      <InviteForm roles={CONFIG_ROLES} initialRole="editor" busy={busy()} onInvite={(email, role) => run(async () => setCreated(await props.api.invite(props.configId, email, role)))} />
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={created()}>{(inv) => <NewInvitation invitation={inv()} roleName={ROLE_WORDS[inv().role].name} onDone={() => setCreated(null)} />}</Show>
      <Show when={members.error}>
        <p class="field-issue field-issue--error" role="alert">
          The people with access could not be loaded: {errorText(members.error)}
        </p>
      </Show>
      <ul class="share-list" aria-label="People with access" data-testid="members">
        <For each={members() ?? []}>
          {(m) => (
            <PersonRow
              email={m.email}
              name={m.name ?? m.email}
              self={m.userId !== null && m.userId === props.selfId}
              detail={m.pending ? pendingText(m) : m.email}
              role={m.role}
              roles={CONFIG_ROLES}
              editable={m.role !== 'owner'}
              badgeTitle={ROLE_WORDS.owner.can}
              busy={busy()}
              onRole={(r) => void changeRole(m, r)}
              removeText={m.pending ? 'Revoke' : 'Remove'}
              removeLabel={`${m.pending ? 'Revoke the invitation of' : 'Remove'} ${m.name ?? m.email}`}
              onRemove={() => void remove(m)}
            />
          )}
        </For>
      </ul>
    </section>
  );
}
