/**
 * The organisation page's Members section: everyone with their role; admins change roles, remove
 * people and invite by e-mail (the link shown once when no e-mail was sent), and see and revoke
 * pending invitations; anyone may leave. Only owners are offered owner changes; the server
 * decides again (and keeps the last owner).
 */
import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { ORG_ROLES, orgCan, type OrgRole } from '../../shared/org-roles.ts';
import { CopyButton } from '../app/copy-button.tsx';
import type { OrgInvitation, OrgMember } from './orgs-api.ts';
import type { OrgSectionProps } from './org-sections.tsx';

const ROLE_NAMES: Record<OrgRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function MembersSection(props: OrgSectionProps): JSX.Element {
  const orgId = () => props.org.id;
  const manages = () => orgCan(props.org.role, 'manageMembers');
  const isOwner = () => props.org.role === 'owner';
  /** Roles you may hand out: admins everything but owner. */
  const grantable = () => ORG_ROLES.filter((r) => r !== 'owner' || isOwner());
  const [members, { refetch: reloadMembers }] = createResource(orgId, (id) => props.api.orgs.members(id));
  const [pending, { refetch: reloadPending }] = createResource(() => (manages() ? orgId() : null), (id) => props.api.orgs.invitations(id));
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<OrgRole>('member');
  const [created, setCreated] = createSignal<OrgInvitation | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const act = async (what: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
      void reloadMembers();
      if (manages()) void reloadPending();
    }
  };
  const invite = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      setCreated(await props.api.orgs.invite(orgId(), email().trim(), role()));
      setEmail('');
    });
  };
  /** May you change or remove this member? Owners only by owners; yourself only by leaving. */
  const mayManage = (m: OrgMember) => manages() && m.userId !== props.user.id && (m.role !== 'owner' || isOwner());

  return (
    <section class="share-section" aria-labelledby="org-members" data-testid="org-members">
      <h2 id="org-members" class="subhead">
        Members
      </h2>
      <Show when={manages()}>
        <form class="share-form" onSubmit={invite}>
          <label class="share-field share-field--grow">
            <span>Invite by email</span>
            <input class="input" type="email" required placeholder="name@example.com" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} data-testid="org-invite-email" />
          </label>
          <label class="share-field">
            <span>Role</span>
            <select class="input" value={role()} onChange={(e) => setRole(e.currentTarget.value as OrgRole)} data-testid="org-invite-role">
              <For each={grantable()}>{(r) => <option value={r}>{ROLE_NAMES[r]}</option>}</For>
            </select>
          </label>
          <button class="button button--primary" type="submit" disabled={busy() || email().trim() === ''} data-testid="org-invite">
            Invite
          </button>
        </form>
      </Show>
      <Show when={error()}>
        <p class="field-issue field-issue--error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={created()}>
        {(inv) => (
          <div class="new-link" role="status" data-testid="new-org-invitation">
            <Show when={inv().url} fallback={<p class="new-link-note">An invitation link was e-mailed to <strong>{inv().email}</strong>.</p>}>
              {(url) => (
                <>
                  <p class="new-link-note">
                    <strong>Send this link to {inv().email}:</strong> it is shown only this once. Whoever opens it first, signed in, joins as {ROLE_NAMES[inv().role].toLowerCase()}; it stops
                    working after that, when it is revoked, or on {new Date(inv().expiresAt).toLocaleDateString()}.
                  </p>
                  <div class="new-link-row">
                    <input class="input mono" readOnly value={url()} aria-label="Invitation link" data-testid="org-invitation-url" onFocus={(e) => e.currentTarget.select()} />
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
          The members could not be loaded: {errorText(members.error)}
        </p>
      </Show>
      <ul class="share-list" aria-label="Members" data-testid="org-member-list">
        <For each={members() ?? []}>
          {(m) => (
            <li class="share-row" data-member={m.email}>
              <span class="share-row-main">
                <span class="share-row-title">
                  {m.name}
                  {m.userId === props.user.id ? ' (you)' : ''}
                </span>
                <span class="muted">{m.email}</span>
              </span>
              <Show when={mayManage(m)} fallback={<span class="badge">{ROLE_NAMES[m.role]}</span>}>
                <select class="input share-role" aria-label={`Role of ${m.name}`} value={m.role} disabled={busy()} onChange={(e) => void act(() => props.api.orgs.setRole(orgId(), m.userId, e.currentTarget.value as OrgRole))}>
                  <For each={grantable()}>{(r) => <option value={r}>{ROLE_NAMES[r]}</option>}</For>
                </select>
                <button type="button" class="button button--small" aria-label={`Remove ${m.name}`} disabled={busy()} onClick={() => void act(() => props.api.orgs.removeMember(orgId(), m.userId))}>
                  Remove
                </button>
              </Show>
              <Show when={m.userId === props.user.id}>
                <button
                  type="button"
                  class="button button--small"
                  disabled={busy()}
                  data-testid="leave-org"
                  onClick={() =>
                    void act(async () => {
                      await props.api.orgs.removeMember(orgId(), m.userId);
                      props.onChanged();
                    })
                  }
                >
                  Leave
                </button>
              </Show>
            </li>
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
