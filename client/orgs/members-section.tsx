/**
 * The organisation page's Members section: everyone with their role; admins change roles, remove
 * people and invite by e-mail (the link shown once when no e-mail was sent), and see and revoke
 * pending invitations; anyone may leave, except the last owner (told why in place). Only owners
 * are offered owner changes; the server decides again (and keeps the last owner: a race that
 * still reaches it gets its 409 said here). The pieces are share/people-list.tsx's.
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { ORG_ROLES, orgCan, type OrgRole } from '../../shared/org-roles.ts';
import { ConfirmButton, errorText } from '../app/confirm-button.tsx';
import { InviteForm, NewInvitation, PersonRow, type RoleNames } from '../share/people-list.tsx';
import type { OrgInvitation, OrgMember } from './orgs-api.ts';
import type { OrgSectionProps } from './org-sections.tsx';

const ROLE_NAMES: Record<OrgRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

export function MembersSection(props: OrgSectionProps): JSX.Element {
  const orgId = () => props.org.id;
  const manages = () => orgCan(props.org.role, 'manageMembers');
  const isOwner = () => props.org.role === 'owner';
  /** Roles you may hand out: admins everything but owner. */
  const grantable = (): RoleNames<OrgRole> => ({ roles: ORG_ROLES.filter((r) => r !== 'owner' || isOwner()), name: (r) => ROLE_NAMES[r] });
  const [members, { refetch: reloadMembers }] = createResource(orgId, (id) => props.api.orgs.members(id));
  const [pending, { refetch: reloadPending }] = createResource(() => (manages() ? orgId() : null), (id) => props.api.orgs.invitations(id));
  const [created, setCreated] = createSignal<OrgInvitation | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
      void reloadMembers();
      if (manages()) void reloadPending();
    }
  };
  /** May you change or remove this member? Owners only by owners; yourself only by leaving. */
  const mayManage = (m: OrgMember) => manages() && m.userId !== props.user.id && (m.role !== 'owner' || isOwner());
  /** The server keeps at least one owner: the only one cannot leave. */
  const lastOwner = (m: OrgMember) => m.role === 'owner' && (members() ?? []).filter((o) => o.role === 'owner').length === 1;

  return (
    <section class="org-section" aria-labelledby="org-members" data-testid="org-members">
      <h2 id="org-members">Members</h2>
      <Show when={manages()}>
        <InviteForm roles={grantable()} initialRole="member" busy={busy()} testIdPrefix="org-" onInvite={(email, role) => act(async () => setCreated(await props.api.orgs.invite(orgId(), email, role)))} />
      </Show>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={created()}>{(inv) => <NewInvitation invitation={inv()} roleName={ROLE_NAMES[inv().role]} testIdPrefix="org-" onDone={() => setCreated(null)} />}</Show>
      <Show when={members.error}>
        <p class="field-issue field-issue--error" role="alert">
          The members could not be loaded: {errorText(members.error)}
        </p>
      </Show>
      <ul class="share-list" aria-label="Members" data-testid="org-member-list">
        <For each={members() ?? []}>
          {(m) => (
            <PersonRow
              email={m.email}
              name={m.name}
              self={m.userId === props.user.id}
              role={m.role}
              roles={grantable()}
              editable={mayManage(m)}
              busy={busy()}
              onRole={(r) => void act(() => props.api.orgs.setRole(orgId(), m.userId, r))}
              onRemove={() => void act(() => props.api.orgs.removeMember(orgId(), m.userId))}
            >
              <Show when={m.userId === props.user.id}>
                <Show
                  when={!lastOwner(m)}
                  fallback={
                    <span class="muted share-row-note" data-testid="last-owner-note">
                      You are the last owner; make someone else owner first
                    </span>
                  }
                >
                  <ConfirmButton
                    label="Leave"
                    labelFor={`Leave ${props.org.name}`}
                    question={`Leave ${props.org.name}?`}
                    note="You lose what the organisation gives you; only an admin can invite you back."
                    action="Leave"
                    disabled={busy()}
                    testId="leave-org"
                    onConfirm={() =>
                      act(async () => {
                        await props.api.orgs.removeMember(orgId(), m.userId);
                        props.onChanged();
                      })
                    }
                  />
                </Show>
              </Show>
            </PersonRow>
          )}
        </For>
      </ul>
      <Show when={manages() && (pending() ?? []).length > 0}>
        <h3 class="subhead">Pending invitations</h3>
        <ul class="share-list" aria-label="Pending invitations" data-testid="org-pending-invitations">
          <For each={pending() ?? []}>
            {(inv) => (
              <li class="share-row">
                <span class="share-row-main">
                  <span class="share-row-title">{inv.email}</span>
                  <span class="muted">
                    {ROLE_NAMES[inv.role]}, until {new Date(inv.expiresAt).toLocaleDateString()}
                  </span>
                </span>
                <button type="button" class="button button--small" aria-label={`Revoke the invitation of ${inv.email}`} disabled={busy()} onClick={() => void act(() => props.api.orgs.revokeInvitation(orgId(), inv.id))}>
                  Revoke
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
