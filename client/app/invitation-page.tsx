/**
 * An invitation link: `/i/<token>` into a configuration, `/oi/<token>` into an organisation (the
 * kinds below). Shows what it offers; signed out, sign in or create an account first (and come
 * back here); signed in, Accept makes this account a member. Accepting is a click, never
 * automatic: opening a link someone sent must not join you to anything (and show your name and
 * email to its owner) without your say.
 */
import { createResource, createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { ROLE_WORDS } from '../share/role-words.ts';
import type { Api, User } from './api.ts';
import { configPath, orgPath } from './routes.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What one kind of invitation says and does; `T` is what its lookup answers. */
export interface InvitationKind {
  /** The path of the link without its token (`/i/`, `/oi/`). */
  prefix: string;
  /** Names the page for tests (`invitation`, `org-invitation`). */
  testId: string;
  lookup(api: Api, token: string): Promise<InvitationOffer>;
  /** Accepts and answers where to go. */
  accept(api: Api, token: string): Promise<string>;
  /** Who will see the accepting account's name and email. */
  seenBy: string;
}

/** An invitation as the page shows it. */
export interface InvitationOffer {
  title: string;
  /** "<who> invites you as <role>" and what that role may do. */
  invitedBy: string;
  role: string;
  roleDetail?: string;
  email: string;
  expiresAt: string;
}

export const CONFIG_INVITATION: InvitationKind = {
  prefix: '/i/',
  testId: 'invitation',
  async lookup(api, token) {
    const info = await api.lookupInvitation(token);
    const words = ROLE_WORDS[info.role];
    return { title: `Join “${info.configName}”`, invitedBy: info.invitedBy ?? 'The owner', role: words.name.toLowerCase(), roleDetail: words.can, email: info.email, expiresAt: info.expiresAt };
  },
  accept: async (api, token) => configPath((await api.acceptInvitation(token)).configId),
  seenBy: 'the owner',
};

const ORG_ROLE_NAMES = { owner: 'an owner', admin: 'an admin', member: 'a member' } as const;

export const ORG_INVITATION: InvitationKind = {
  prefix: '/oi/',
  testId: 'org-invitation',
  async lookup(api, token) {
    const info = await api.orgs.lookupInvitation(token);
    return { title: `Join the organisation “${info.orgName}”`, invitedBy: info.invitedBy ?? 'An admin', role: ORG_ROLE_NAMES[info.role], email: info.email, expiresAt: info.expiresAt };
  },
  accept: async (api, token) => orgPath((await api.orgs.acceptInvitation(token)).orgId),
  seenBy: "the organisation's members",
};

export function InvitationPage(props: { kind: InvitationKind; api: Api; token: string; user: User | null; navigate(path: string): void }): JSX.Element {
  const [info] = createResource(() => props.token, (token) => props.kind.lookup(props.api, token));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const here = () => `${props.kind.prefix}${props.token}`;
  const go = (path: string) => (event: Event) => (event.preventDefault(), props.navigate(path));
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      props.navigate(await props.kind.accept(props.api, props.token));
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="account-page">
      <div class="account-card" data-testid={props.kind.testId}>
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">▣</span> Boardroom
        </div>
        <Switch>
          <Match when={info.error}>
            <h1>This invitation does not work</h1>
            <p class="muted" role="alert">
              {message(info.error)}
            </p>
            <a class="link" href="/">
              Go to Boardroom
            </a>
          </Match>
          <Match when={info()}>
            {(invite) => (
              <>
                <h1>{invite().title}</h1>
                <p>
                  {invite().invitedBy} invites you as <strong>{invite().role}</strong>
                  {invite().roleDetail ? ` (${invite().roleDetail})` : ''}.
                </p>
                <p class="muted">
                  Sent to {invite().email}. The link works once and until {new Date(invite().expiresAt).toLocaleString()}.
                </p>
                <Show
                  when={props.user}
                  fallback={
                    <>
                      <p>Sign in or create an account, then accept.</p>
                      <a class="button button--primary" href={`/login?next=${encodeURIComponent(here())}`} onClick={go(`/login?next=${encodeURIComponent(here())}`)}>
                        Sign in
                      </a>
                      <a class="button" href={`/signup?next=${encodeURIComponent(here())}`} onClick={go(`/signup?next=${encodeURIComponent(here())}`)}>
                        Create an account
                      </a>
                    </>
                  }
                >
                  {(user) => (
                    <>
                      <p class="muted">
                        You are signed in as {user().name} ({user().email}). Accepting makes this account a member; {props.kind.seenBy} will see its name and email.
                      </p>
                      <button type="button" class="button button--primary" disabled={busy()} onClick={() => void accept()} data-testid={`accept-${props.kind.testId}`}>
                        {busy() ? 'Accepting…' : 'Accept invitation'}
                      </button>
                    </>
                  )}
                </Show>
                <Show when={error()}>
                  <p class="field-issue field-issue--error" role="alert">
                    {error()}
                  </p>
                </Show>
              </>
            )}
          </Match>
          <Match when={info.loading}>
            <p class="muted">Opening the invitation…</p>
          </Match>
        </Switch>
      </div>
    </div>
  );
}
