/**
 * What a list of people with roles is made of, shared by the Share dialog's People (roles on a
 * configuration) and the organisation page's Members (roles in an organisation): the invite
 * form, the invitation link shown once, and a person's row (name, address, a role to choose or a
 * badge, remove). Each list decides who may change whom; the server decides again.
 */
import { createSignal, For, Show, type JSX } from 'solid-js';
import { CopyButton } from '../app/copy-button.tsx';

export interface RoleNames<R extends string> {
  /** The roles offered, in order. */
  roles: readonly R[];
  /** A role's name, capitalised ("Editor", "Admin"). */
  name: (role: R) => string;
}

/** `testIdPrefix` tells the lists' test ids apart (`org-` on the organisation page). */
export function InviteForm<R extends string>(props: {
  roles: RoleNames<R>;
  initialRole: R;
  busy: boolean;
  testIdPrefix?: string;
  /** Resolves true when the invitation was made (the address is then cleared). */
  onInvite: (email: string, role: R) => Promise<boolean>;
}): JSX.Element {
  const [email, setEmail] = createSignal('');
  const [role, setRole] = createSignal<R>(props.initialRole);
  const id = (name: string) => (props.testIdPrefix ? `${props.testIdPrefix}${name}` : undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    const address = email().trim();
    if (address && (await props.onInvite(address, role()))) setEmail('');
  };
  return (
    <form class="share-form" onSubmit={(e) => void submit(e)}>
      <label class="share-field share-field--grow">
        <span>Invite by email</span>
        <input class="input" type="email" required placeholder="name@example.com" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} data-testid={id('invite-email')} />
      </label>
      <label class="share-field">
        <span>Role</span>
        <select class="input" aria-label="Role" value={role()} onChange={(e) => setRole(() => e.currentTarget.value as R)} data-testid={id('invite-role')}>
          <For each={props.roles.roles}>{(r) => <option value={r}>{props.roles.name(r)}</option>}</For>
        </select>
      </label>
      <button class="button button--primary" type="submit" disabled={props.busy || email().trim() === ''} data-testid={id('invite')}>
        Invite
      </button>
    </form>
  );
}

export interface MadeInvitation {
  email: string;
  expiresAt: string;
  /** Only when no e-mail was sent: the link, shown this once. */
  url?: string;
  /** Why the e-mail was not sent, when it was tried. */
  mailError?: string;
}

export function NewInvitation(props: { invitation: MadeInvitation; roleName: string; testIdPrefix?: string; onDone: () => void }): JSX.Element {
  const prefix = () => props.testIdPrefix ?? '';
  const until = () => new Date(props.invitation.expiresAt).toLocaleDateString();
  return (
    <div class="new-link" role="status" data-testid={`new-${prefix()}invitation`}>
      <Show
        when={props.invitation.url}
        fallback={
          <p class="new-link-note">
            An invitation link was e-mailed to <strong>{props.invitation.email}</strong>. It works once, until {until()}.
          </p>
        }
      >
        {(url) => (
          <>
            <p class="new-link-note">
              <Show when={props.invitation.mailError}>{props.invitation.mailError}. </Show>
              <strong>Send this link to {props.invitation.email}:</strong> it is shown only this once. Whoever opens it first, signed in, joins as{' '}
              {props.roleName.toLowerCase()}; it stops working after that, when it is revoked, or on {until()}.
            </p>
            <div class="new-link-row">
              <input class="input mono" readOnly value={url()} aria-label="Invitation link" data-testid={`${prefix()}invitation-url`} onFocus={(e) => e.currentTarget.select()} />
              <CopyButton value={url()} what="invitation link" class="button button--primary" />
            </div>
          </>
        )}
      </Show>
      <button type="button" class="button button--small" onClick={() => props.onDone()}>
        Done
      </button>
    </div>
  );
}

export interface PersonRowProps<R extends string> {
  /** The address: the row's `data-member`, and the second line unless `detail` says more. */
  email: string;
  name: string;
  self: boolean;
  detail?: string;
  role: R;
  roles: RoleNames<R>;
  /** May the viewer change this person's role and remove them? Otherwise the role is a badge. */
  editable: boolean;
  badgeTitle?: string;
  busy: boolean;
  onRole: (role: R) => void;
  /** The remove button's text and accessible name ("Revoke" and "Revoke the invitation of …"). */
  removeText?: string;
  removeLabel?: string;
  onRemove: () => void;
  /** More in the row after the role (Leave, a reason it is not offered). */
  children?: JSX.Element;
}

export function PersonRow<R extends string>(props: PersonRowProps<R>): JSX.Element {
  return (
    <li class="share-row" data-member={props.email}>
      <span class="share-row-main">
        <span class="share-row-title">
          {props.name}
          {props.self ? ' (you)' : ''}
        </span>
        <span class="muted">{props.detail ?? props.email}</span>
      </span>
      <Show
        when={props.editable}
        fallback={
          <span class="badge" title={props.badgeTitle}>
            {props.roles.name(props.role)}
          </span>
        }
      >
        <select class="input share-role" aria-label={`Role of ${props.name}`} value={props.role} disabled={props.busy} onChange={(e) => props.onRole(e.currentTarget.value as R)}>
          <For each={props.roles.roles}>{(r) => <option value={r}>{props.roles.name(r)}</option>}</For>
        </select>
        <button type="button" class="button button--small" aria-label={props.removeLabel ?? `Remove ${props.name}`} disabled={props.busy} onClick={() => props.onRemove()}>
          {props.removeText ?? 'Remove'}
        </button>
      </Show>
      {props.children}
    </li>
  );
}
